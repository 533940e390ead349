import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, constants, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createTestDatabase, queryPanelDatabase as query } from '../support/test-database';
import { REPO_ROOT } from '../support/test-app';
import { killLeftovers, startServer, stopServer } from '../support/spawn-server';
import { waitFor } from '../support/wait-for';
import { leftovers, listTree, readRoot } from './support';

describe('kill -9 mid-create, restart: the reconciler leaves a clean state', () => {
  let fifo = '';
  /** Lets the orphaned blocking command (cat, waiting for a writer on the fifo) see EOF and exit. */
  const releaseFifo = () => {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      /* no reader left */
    }
  };
  after(() => {
    killLeftovers();
    if (fifo) releaseFifo();
  });

  test('a create killed while its reload blocks is rolled back after the restart', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-kill-'));
    const root = join(dataDir, 'root');
    fifo = join(dataDir, 'block.fifo');
    execFileSync('mkfifo', [fifo]);
    const env: Record<string, string> = {
      HW_DATA_DIR: dataDir,
      HW_ROOT_DIR: root,
      HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
      HW_RECONCILE_INTERVAL: '1',
      HW_TLS: 'false',
      DATABASE_URL: db.url ?? '',
    };
    const target = { id: 0, username: `kill${process.pid.toString(36)}`, domain: `kill${process.pid.toString(36)}.example.org`, email: '', phpVersion: '8.2' };

    // 1. The real server, whose nginx test command blocks on a fifo: POST /api/v1/accounts stops at its last step.
    const panel = await startServer({ ...env, HW_NGINX_TEST_CMD: JSON.stringify(['cat', fifo]) });
    const token = /hw_[A-Za-z0-9_-]{43}/.exec(panel.stdout())?.[0];
    assert.ok(token, `no first admin token printed:\n${panel.stdout()}${panel.stderr()}`);
    const body = { username: target.username, domain: target.domain, email: `owner@${target.domain}`, password: 'correct horse', package_id: 1 };
    const pending = fetch(`http://127.0.0.1:${panel.port}/api/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (r) => r.status,
      () => 'connection lost',
    );
    // The mail step (the one before the reload) has made the domain's maildir.
    await waitFor(() => existsSync(join(root, `var/mail/vdomains/${target.domain}`)), 'the create to reach its reload step');
    assert.ok(readRoot(root, `etc/nginx/sites-available/${target.domain}.conf`));
    assert.equal((await query(db, dataDir, 'SELECT status FROM accounts WHERE username = ?', [target.username]))[0].status, 'provisioning');
    panel.process.kill('SIGKILL');
    await panel.exited;
    releaseFifo();
    assert.equal(await pending, 'connection lost');
    assert.notDeepEqual(leftovers(root, target), [], 'half-made account on disk after the kill');

    // 2. The real server restarts (plain HTTP, any port) and its reconciler rolls the account back.
    const server = await startServer(env);
    await waitFor(async () => (await query(db, dataDir, 'SELECT id FROM accounts WHERE username = ?', [target.username])).length === 0, 'the stuck row to go', 30_000);
    assert.deepEqual(leftovers(root, target), []);
    assert.deepEqual(await query(db, dataDir, 'SELECT id FROM domains WHERE name = ?', [target.domain]), []);
    assert.deepEqual(await query(db, dataDir, 'SELECT id FROM mail_domains WHERE domain = ?', [target.domain]), []);
    assert.ok(!listTree(root).some((p) => p.includes('.hw-tmp-')), 'no temp files left');
    assert.equal(await stopServer(server), 0);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
