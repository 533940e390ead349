import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '../../..');
const startScript = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const unit = readFileSync(join(ROOT, 'templates/systemd/hostwright.service'), 'utf8');

/** `VAR=value … node --flag … dist/hostwright.js` → the variables and the node flags. */
function parse(command: string): { env: string[]; flags: string[] } {
  const match = /^((?:[A-Z_]+=\S+\s+)*)\S*node((?:\s+--\S+)*)\s+dist\/hostwright\.js$/.exec(command.trim());
  assert.ok(match, `not "VARS node FLAGS dist/hostwright.js": ${command}`);
  return { env: match[1].split(/\s+/).filter(Boolean), flags: match[2].split(/\s+/).filter(Boolean) };
}

test('the systemd unit runs the bundle with the variables and node flags npm start uses', () => {
  const start = parse(startScript);
  const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  const unitEnv = [...unit.matchAll(/^Environment=(\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual(parse(execStart ?? '').flags, start.flags);
  assert.deepEqual(unitEnv.sort(), start.env.sort());
});

test("npm start's flags keep V8's young generation at 2 × 4 MiB under allocation churn (V8's default grows it to 2 × 16 MiB and keeps it)", () => {
  const churn = `
    let kept = [];
    for (let i = 0; i < 3e6; i++) { kept.push({ i, text: 'x' + i }); if (kept.length > 200000) kept = []; }
    const young = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(young.space_size));`;
  const youngBytes = (flags: string[]) => Number(spawnSync(process.execPath, [...flags, '-e', churn], { encoding: 'utf8' }).stdout);
  const mib = 1024 * 1024;
  assert.ok(youngBytes([]) > 8 * mib, 'without the flags the young generation grows past 8 MiB (else this test proves nothing)');
  assert.ok(youngBytes(parse(startScript).flags) <= 8 * mib, 'with them it stays at 8 MiB');
});
