import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FileOps } from '../../src/agent/system/file-ops';
import { passwordStep, userStep } from '../../src/agent/steps/create-steps';
import { StepDeps, StepInput } from '../../src/agent/steps/step';
import { SystemUsers } from '../../src/agent/system/system-users';
import { shadowVerifies } from '../support/system-tools';

/**
 * A create with a password is one pass over the files (useradd -p), and a create plan's password
 * step then has nothing left to write: `shadow-`, the content before the last write, tells how
 * many writes there were.
 */
describe('system users: the password goes in with the user', () => {
  const root = mkdtempSync(join(tmpdir(), 'hw-users-password-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const users = new SystemUsers(new FileOps(root));
  const shadowLine = (file: 'shadow' | 'shadow-', name: string) =>
    readFileSync(join(root, 'etc', file), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));

  test('a create with a password writes shadow once, with a hash of that password', async () => {
    await users.create('warmup');
    await users.create('alice', 'alice-password-1');
    const line = shadowLine('shadow', 'alice')!;
    assert.ok(shadowVerifies(line.split(':')[1], 'alice-password-1'), line);
    assert.equal(shadowLine('shadow-', 'alice'), undefined, 'shadow- holds a line for alice: the create wrote shadow twice');
  });

  test("a create plan's user and password steps write shadow once; a password change plan writes it", async () => {
    const deps = { users } as unknown as StepDeps;
    const input: StepInput = { target: { username: 'carol', domain: 'carol.example.com', php_version: '8.2' }, secrets: { password: 'carol-password-1' } };
    await userStep(deps).apply(input);
    await passwordStep(deps).apply(input);
    assert.ok(shadowVerifies(shadowLine('shadow', 'carol')!.split(':')[1], 'carol-password-1'));
    assert.equal(shadowLine('shadow-', 'carol'), undefined, 'shadow- holds a line for carol: the create wrote shadow twice');
    await passwordStep(deps).apply({ ...input, passwordWritten: undefined, secrets: { password: 'carol-password-2' } });
    assert.ok(shadowVerifies(shadowLine('shadow', 'carol')!.split(':')[1], 'carol-password-2'));
    assert.ok(shadowVerifies(shadowLine('shadow-', 'carol')!.split(':')[1], 'carol-password-1'));
  });

  test('a create without a password leaves it locked, as useradd does', async () => {
    await users.create('bob');
    assert.equal(shadowLine('shadow', 'bob')!.split(':')[1], '!');
  });
});
