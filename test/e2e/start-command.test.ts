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

/** The kernel's transparent huge page mode ('always', 'madvise', 'never'), or null without THP. */
function hugePageMode(): string | null {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

const mode = hugePageMode();

test(
  "npm start's variables put a freed-to-the-system block (an argon2 hash's 19 MiB) on transparent huge pages",
  { skip: mode === null || mode === 'never' ? `transparent huge pages are ${mode ?? 'absent'} here` : false },
  () => {
    const touch = `
      const huge = () => Number(/AnonHugePages:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]);
      const before = huge();
      Buffer.allocUnsafeSlow(19 * 1024 * 1024).fill(1);
      process.stdout.write(String(huge() - before));`;
    const hugeKib = (env: Record<string, string>) =>
      Number(spawnSync(process.execPath, ['-e', touch], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' }).stdout);
    const start = startCommand(startScript).env;
    assert.ok(hugeKib(start) >= 16 * 1024, 'with them at least 16 of the 19 MiB are huge pages');
    if (mode === 'madvise') {
      const { GLIBC_TUNABLES: _tunables, ...without } = start;
      assert.equal(hugeKib(without), 0, 'without the glibc tunable none are (so the tunable is what does it)');
    }
  },
);
