import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { get, killLeftovers, startServer, stopServer } from '../support/spawn-server';
import { MIGRATIONS } from '../../src/platform/database/migrations';
import { createTestDatabase, queryPanelDatabase, TestDatabase } from '../support/test-database';

describe('starting the panel as an operator does', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hw-start-'));
  let database: TestDatabase;
  after(async () => {
    killLeftovers();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('first start: HTTPS with a self-signed certificate, the admin token printed once; a restart keeps the data', async () => {
    database = await createTestDatabase();
    const env = { HW_DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) };
    const first = await startServer(env);
    const token = /hw_[A-Za-z0-9_-]{43}/.exec(first.stdout())?.[0];
    assert.ok(token, `a token is printed on first start: ${first.stdout()} ${first.stderr()}`);
    assert.ok(existsSync(join(dataDir, 'tls', 'cert.pem')) && existsSync(join(dataDir, 'tls', 'key.pem')));
    const base = `https://127.0.0.1:${first.port}`;
    const packages = await get(`${base}/api/v1/packages`, { authorization: `Bearer ${token}` });
    assert.equal(packages.status, 200);
    assert.equal(JSON.parse(packages.body).data[0].id, 1);
    assert.equal((await get(`${base}/api/v1/packages`)).status, 401);
    assert.equal(await stopServer(first), 0, 'SIGTERM ends the panel cleanly');

    const second = await startServer(env);
    assert.doesNotMatch(second.stdout(), /hw_[A-Za-z0-9_-]{43}/, 'the token is printed only once');
    const again = await get(`https://127.0.0.1:${second.port}/api/v1/packages`, { 'x-api-key': token! });
    assert.equal(again.status, 200, 'the token survives the restart');
    const recorded = await queryPanelDatabase(database, dataDir, 'SELECT name FROM migrations ORDER BY id');
    assert.deepEqual(
      recorded.map((r) => r.name),
      MIGRATIONS.map((m) => m.name),
      'the bundle ran each migration once, under its class name',
    );
    await stopServer(second);
  });

  test('HW_TLS=false serves plain HTTP for running behind a proxy', async () => {
    const plainDir = mkdtempSync(join(tmpdir(), 'hw-plain-'));
    const server = await startServer({ HW_DATA_DIR: plainDir, HW_TLS: 'false', DATABASE_URL: '' });
    const health = await get(`http://127.0.0.1:${server.port}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { status: 'ok', database: 'up' });
    await stopServer(server);
    rmSync(plainDir, { recursive: true, force: true });
  });

  test('a bad setting prints one line naming the variable and exits 1', async () => {
    for (const [name, value] of [
      ['HW_PORT', 'eighty'],
      ['DATABASE_URL', 'postgres://x/y'],
      ['HW_TLS', 'maybe'],
      ['HW_SERVER_IP', '300.1.1.1'],
    ]) {
      const server = await startServer({ HW_DATA_DIR: dataDir, [name]: value, HW_PORT: name === 'HW_PORT' ? value : '1' });
      assert.equal(await server.exited, 1, name);
      const lines = server.stderr().trim().split('\n');
      assert.equal(lines.length, 1, server.stderr());
      assert.match(lines[0], new RegExp(name));
    }
  });
});
