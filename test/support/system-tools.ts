import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/**
 * A suite's `skip` option for a system tool it drives (Pebble, doveadm): false when the command is
 * on PATH; else the reason, and under CI=true a failing test saying so (CI installs them first).
 */
export function skipUnlessInstalled(command: string): string | false {
  if (spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0) return false;
  const problem = `${command} is not installed (bash test/stack/install-deps.sh installs it)`;
  if (process.env.CI === 'true') test(`needs ${command}`, () => assert.fail(`CI=true: ${problem}`));
  return `skipped: ${problem}`;
}
