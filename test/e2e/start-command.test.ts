import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { npmStartScript, startCommand } from '../../bench/bench-panel';

const ROOT = join(__dirname, '../../..');
const startScript = npmStartScript();
const unit = readFileSync(join(ROOT, 'templates/systemd/hostwright.service'), 'utf8');

test('the systemd unit runs the bundle with the variables and node flags npm start uses', () => {
  const start = startCommand(startScript);
  const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  const unitEnv = Object.fromEntries([...unit.matchAll(/^Environment=([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual(startCommand(execStart ?? '').flags, start.flags);
  assert.deepEqual(unitEnv, start.env);
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
  assert.ok(youngBytes(startCommand(startScript).flags) <= 8 * mib, 'with them it stays at 8 MiB');
});
