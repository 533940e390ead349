import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createTestDatabase, queryPanelDatabase as query } from '../support/test-database';
import { REPO_ROOT } from '../support/test-app';
import { killLeftovers, RunningServer, startServer, stopServer } from '../support/spawn-server';
import { waitFor } from '../support/wait-for';
import { disagreements } from './agreement';

type Op = 'suspend' | 'unsuspend' | 'delete';
const KILLS: Op[] = ['suspend', 'unsuspend', 'suspend', 'unsuspend', 'delete'];

/**
 * kill -9 of the real panel in the middle of suspend, unsuspend and delete: `usermod`/`userdel`
 * are wrapped (first on PATH) to block while an `armed` marker exists, so the plan stops after
 * its first step with the rest undone. After the restart the reconciler must bring row and files
 * back into agreement.
 */
describe('kill -9 mid-suspend / mid-unsuspend / mid-delete, restart: row and files agree', () => {
  after(() => killLeftovers());

  test(`${KILLS.length} kill rounds`, { timeout: 300_000 }, async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-killop-'));
    const root = join(dataDir, 'root');
    const bin = join(dataDir, 'bin');
    const marks = join(dataDir, 'marks');
    mkdirSync(bin);
    mkdirSync(marks);
    const wrapper = `#!/bin/sh\nif [ -f "${marks}/armed" ]; then\n  touch "${marks}/blocked"\n  while [ ! -f "${marks}/release" ]; do sleep 0.05; done\nfi\nexec /usr/sbin/$(basename "$0") "$@"\n`;
    for (const tool of ['usermod', 'userdel']) {
      writeFileSync(join(bin, tool), wrapper);
      chmodSync(join(bin, tool), 0o755);
    }
    const env: Record<string, string> = {
      HW_DATA_DIR: dataDir,
      HW_ROOT_DIR: root,
      HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
      HW_RECONCILE_INTERVAL: '1',
      HW_TLS: 'false',
      DATABASE_URL: db.url ?? '',
      PATH: `${bin}:${process.env.PATH}`,
    };
    const tag = process.pid.toString(36);
    const account = { username: `kop${tag}`, domain: `kop${tag}.example.org` };
    let panel: RunningServer = await startServer(env);
    const token = /hw_[A-Za-z0-9_-]{43}/.exec(panel.stdout())?.[0];
    assert.ok(token, `no first admin token printed:\n${panel.stdout()}${panel.stderr()}`);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${panel.port}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const created = await call('POST', '/api/v1/accounts', { ...account, email: `o@${account.domain}`, password: 'correct horse', package_id: 1 });
    assert.equal(created.status, 201, await created.clone().text());
    const id = ((await created.json()) as { data: { id: number } }).data.id;
    const rowStatus = async () => (await query(db, dataDir, 'SELECT status FROM accounts WHERE id = ?', [id]))[0]?.status as string | undefined;

    const disagreeing: string[] = [];
    let roundsDisagreeing = 0;
    for (const [round, op] of KILLS.entries()) {
      writeFileSync(join(marks, 'armed'), '');
      const pending = call(op === 'delete' ? 'DELETE' : 'POST', op === 'delete' ? `/api/v1/accounts/${id}` : `/api/v1/accounts/${id}/${op}`).then(
        (r) => r.status,
        () => 'connection lost',
      );
      await waitFor(() => existsSync(join(marks, 'blocked')), `${op} to reach usermod/userdel`);
      const during = await rowStatus();
      // Recorded before it runs: the row says which operation is under way, not where it will land.
      if (during !== `${op === 'delete' ? 'delet' : op}ing`) disagreeing.push(`round ${round} (${op}): the row read ${during} while the plan ran`);
      panel.process.kill('SIGKILL');
      await panel.exited;
      rmSync(join(marks, 'armed'));
      writeFileSync(join(marks, 'release'), '');
      assert.equal(await pending, 'connection lost');
      rmSync(join(marks, 'blocked'), { force: true });

      panel = await startServer(env);
      rmSync(join(marks, 'release'));
      const settled = (s: string | undefined) => s === undefined || s === 'active' || s === 'suspended';
      await waitFor(async () => settled(await rowStatus()), `round ${round}: the row left ${during} to settle`, 30_000).catch(() => undefined);
      const status = await rowStatus();
      const problems = disagreements(root, [{ ...account, status }]);
      if (problems.length) roundsDisagreeing++;
      if (problems.length) disagreeing.push(`round ${round} (${op}, row was ${during}): ${problems.join('; ')}`);
      const expected = op === 'delete' ? undefined : op === 'suspend' ? 'suspended' : 'active';
      if (status !== expected) disagreeing.push(`round ${round} (${op}): row is ${status ?? 'gone'}, not ${expected ?? 'gone'}`);
    }
    console.log(`rows whose files disagree after ${KILLS.length} kill rounds: ${roundsDisagreeing}`);
    assert.deepEqual(disagreeing, []);
    assert.equal(await stopServer(panel), 0);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
