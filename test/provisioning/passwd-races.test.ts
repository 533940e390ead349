import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { FileOps } from '../../src/agent/system/file-ops';
import { SystemUsers } from '../../src/agent/system/system-users';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
const ROUNDS = 25;

/**
 * Our writer (creates, passwords; deletes through userdel between our writes) raced against the
 * system's own tools on the same root. Odd rounds: tools with `--root` (chroot: lckpwdf on
 * root/etc/.pwd.lock, then the per-file locks, as on a real server). Even rounds: `--prefix`
 * (the per-file locks only, retried a second apart; not mixed with `--root` ones, which fail at
 * once on a per-file lock held by a tool that skipped lckpwdf). Afterwards every line each side
 * wrote is there exactly once, every removed one is gone, and pwck/grpck are clean.
 */
describe('passwd files: our writes raced against useradd, groupadd, usermod, chpasswd, userdel', () => {
  const root = mkdtempSync(join(tmpdir(), 'hw-passwd-race-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test(`${ROUNDS} rounds, nothing lost or doubled`, { timeout: 300_000 }, async () => {
    const users = new SystemUsers(new FileOps(root));
    const tag = process.pid.toString(36);
    const name = (kind: string, round: number) => `${kind}${tag}r${round}`;
    const tool = (argv: string[], input?: string) => {
      const child = run(argv[0], argv.slice(1));
      if (input !== undefined) child.child.stdin!.end(input);
      return child;
    };
    await users.create(name('warm', 0)); // makes the skeleton the tools need
    for (let r = 1; r <= ROUNDS; r++) {
      const chroot = r % 2 === 1;
      const at = chroot ? ['--root', root] : ['--prefix', root];
      const work: Promise<unknown>[] = [
        users.create(name('oa', r)),
        users.create(name('ob', r)).then(() => users.setPassword(name('ob', r), `pw-${r}`)),
        users.create(name('oc', r), `pw-c-${r}`),
        tool(['useradd', ...at, '-M', '-U', '-c', 'tool', name('tu', r)]),
        tool(['groupadd', ...at, name('tg', r)]),
      ];
      if (r > 1) work.push(tool(['usermod', ...at, '-c', 'changed', name('tu', r - 1)]));
      // chpasswd has no --prefix; our userdel runs with --root.
      if (r > 2 && chroot) {
        work.push(
          tool(['chpasswd', '--root', root, '--crypt-method', 'SHA512'], `${name('tu', r - 1)}:tool-pw-${r}\n`),
          users.remove(name('oa', r - 2)),
          tool(['userdel', '--root', root, name('tu', r - 2)]),
        );
      }
      const results = await Promise.allSettled(work);
      const failed = results.flatMap((x, i) => (x.status === 'rejected' ? [`round ${r} job ${i}: ${String(x.reason)}`] : []));
      assert.deepEqual(failed, []);
    }

    const lines = (file: string) =>
      readFileSync(join(root, 'etc', file), 'utf8')
        .split('\n')
        .filter(Boolean);
    const named = (file: string) => {
      const counts = new Map<string, number>();
      for (const l of lines(file)) counts.set(l.split(':')[0], (counts.get(l.split(':')[0]) ?? 0) + 1);
      return counts;
    };
    const files = { passwd: named('passwd'), shadow: named('shadow'), group: named('group'), gshadow: named('gshadow') };
    const problems: string[] = [];
    const expect = (who: string, present: boolean, inFiles: (keyof typeof files)[]) => {
      for (const f of inFiles) {
        const n = files[f].get(who) ?? 0;
        if (n !== (present ? 1 : 0)) problems.push(`${who}: ${n} line(s) in ${f}, expected ${present ? 1 : 0}`);
      }
    };
    const all = ['passwd', 'shadow', 'group', 'gshadow'] as const;
    // Removed in round r + 2 when that round is a chroot one (odd).
    const removed = (r: number) => r + 2 <= ROUNDS && (r + 2) % 2 === 1;
    for (let r = 1; r <= ROUNDS; r++) {
      expect(name('oa', r), !removed(r), [...all]);
      expect(name('ob', r), true, [...all]);
      expect(name('oc', r), true, [...all]);
      expect(name('tu', r), !removed(r), [...all]);
      expect(name('tg', r), true, ['group', 'gshadow']);
    }
    const field = (file: string, who: string, i: number) =>
      lines(file)
        .find((l) => l.startsWith(`${who}:`))
        ?.split(':')[i];
    for (let r = 1; r <= ROUNDS; r++) {
      for (const who of [name('ob', r), name('oc', r)]) if (!/^\$6\$/.test(field('shadow', who, 1) ?? '')) problems.push(`${who}: our password is not in shadow`);
      if (removed(r)) continue;
      if (r < ROUNDS && field('passwd', name('tu', r), 4) !== 'changed') problems.push(`${name('tu', r)}: usermod's change was lost`);
      const chpasswdRan = r >= 2 && (r + 1) % 2 === 1 && r + 1 <= ROUNDS;
      if (chpasswdRan && !/^\$6\$/.test(field('shadow', name('tu', r), 1) ?? '')) problems.push(`${name('tu', r)}: chpasswd's password was lost`);
    }
    const ids = lines('passwd').map((l) => l.split(':')[2]);
    if (new Set(ids).size !== ids.length) problems.push('two users share a uid');
    assert.deepEqual(problems, []);
    await run('pwck', ['-r', '-q', '-R', root]);
    await run('grpck', ['-r', '-R', root]);
  });

  test("a lock left by a dead process is taken over, as shadow's tools do; a live one is not", async () => {
    const users = new SystemUsers(new FileOps(root));
    const tag = process.pid.toString(36);
    await users.create(`stale${tag}a`);
    const dead = spawnSync('true').pid!; // exited: its pid names no process
    writeFileSync(join(root, 'etc/passwd.lock'), `${dead}\0`);
    await users.create(`stale${tag}b`);
    assert.ok(readFileSync(join(root, 'etc/passwd'), 'utf8').includes(`\nstale${tag}b:`));
    assert.equal(existsSync(join(root, 'etc/passwd.lock')), false, 'released after the write');
    // A live holder (the test runner's parent): we wait, lines untouched, and write once it lets go.
    writeFileSync(join(root, 'etc/group.lock'), `${process.ppid}\0`);
    const pending = users.create(`stale${tag}c`);
    await waitFor(() => existsSync(join(root, `etc/group.${process.pid}`)), 'our writer to wait for group.lock');
    assert.equal(readFileSync(join(root, 'etc/passwd'), 'utf8').includes(`\nstale${tag}c:`), false);
    rmSync(join(root, 'etc/group.lock'));
    await pending;
    assert.ok(readFileSync(join(root, 'etc/group'), 'utf8').includes(`\nstale${tag}c:`));
  });
});
