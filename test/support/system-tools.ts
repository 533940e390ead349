import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
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

/** Whether a shadow crypt(3) hash is that of the password: the system's libcrypt recomputes it with the hash's own setting, as pam_unix checks it. */
export function shadowVerifies(hash: string, password: string): boolean {
  const check = 'my ($p, $h) = @ARGV; print crypt($p, $h) eq $h ? "yes" : "no"';
  return execFileSync('perl', ['-e', check, password, hash], { encoding: 'utf8' }) === 'yes';
}
