import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import { createAccount as createAccountRow } from '../support/accounts';
import { createHostingAdmin, dropPrefixes, HostingAdmin, mariaRoot, rootConnection, serverState, visibleDatabases } from '../support/hosting-db';
import { startTestApp, TestApp } from '../support/test-app';
import { nativePasswordHash } from '../../src/hosting-databases/native-password';

const made: string[] = [];
/** An account whose prefix is cleaned off the shared MariaDB server at the end, whatever the test left. */
async function createAccount(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: number; username: string; domain: string }> {
  const account = await createAccountRow(t, overrides);
  made.push(account.username);
  return account;
}

const PASSWORD = 'Db-Pw-4f9c-unique';
const NEW_PASSWORD = 'Db-Pw-77aa-other';

/** Every value of every row of the panel's database, as text. */
async function allRows(t: TestApp): Promise<string> {
  const ds = t.get(DataSource);
  const tables: { name: string }[] =
    ds.options.type === 'better-sqlite3'
      ? await ds.query("SELECT name FROM sqlite_master WHERE type = 'table'")
      : await ds.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  const dumps = await Promise.all(tables.map(async ({ name }) => JSON.stringify(await ds.query(`SELECT * FROM ${name}`))));
  return dumps.join('\n');
}

/** Every file under a directory, as text. */
function allFiles(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'latin1'))
    .join('\n');
}

async function canLogin(user: string, password: string): Promise<boolean> {
  try {
    const conn = await createConnection({ ...mariaRoot(), user, password });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

describe('hosting databases: an account’s MariaDB databases and users, through README’s hosting account', () => {
  let t: TestApp;
  let admin: HostingAdmin;

  before(async () => {
    admin = await createHostingAdmin();
    t = await startTestApp({ env: { HW_HOSTING_DB_URL: admin.url } });
  });
  after(async () => {
    await t?.close();
    await admin?.drop();
    await dropPrefixes(made);
  });

  const dbs = (id: number) => `/api/v1/accounts/${id}/databases`;
  const users = (id: number) => `/api/v1/accounts/${id}/database-users`;

  test('create, list and use: the user sees its own databases only, never another account’s; no password anywhere', async () => {
    const a = await createAccount(t);
    const b = await createAccount(t);
    const made = await t.call('POST', dbs(a.id), { body: { name: `${a.username}_shop` } });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(Object.keys(made.body.data).sort(), ['created_at', 'name', 'users']);
    assert.equal(made.body.data.name, `${a.username}_shop`);
    assert.match(made.body.data.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await t.call('POST', dbs(a.id), { body: { name: `${a.username}_blog` } })).status, 201);
    assert.equal((await t.call('POST', dbs(b.id), { body: { name: `${b.username}_shop` } })).status, 201);
    const again = await t.call('POST', dbs(a.id), { body: { name: `${a.username}_shop` } });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.details[0].field, 'name');

    const user = await t.call('POST', users(a.id), { body: { name: `${a.username}_app`, password: PASSWORD, databases: [`${a.username}_shop`] } });
    assert.equal(user.status, 201, user.text);
    assert.deepEqual(user.body.data.databases, [`${a.username}_shop`]);
    assert.deepEqual(Object.keys(user.body.data).sort(), ['created_at', 'databases', 'name']);
    assert.ok(!user.text.includes(PASSWORD));

    assert.deepEqual(await visibleDatabases(`${a.username}_app`, PASSWORD), [`${a.username}_shop`]);
    const conn = await createConnection({ ...mariaRoot(), user: `${a.username}_app`, password: PASSWORD, database: `${a.username}_shop` });
    await conn.query('CREATE TABLE t (id int)');
    await assert.rejects(conn.query(`CREATE TABLE \`${b.username}_shop\`.t (id int)`), /denied/);
    await assert.rejects(conn.query(`CREATE TABLE \`${a.username}_blog\`.t (id int)`), /denied/);
    await conn.end();

    const list = await t.call('GET', dbs(a.id));
    assert.deepEqual(
      list.body.data.map((d: { name: string; users: string[] }) => [d.name, d.users]),
      [
        [`${a.username}_blog`, []],
        [`${a.username}_shop`, [`${a.username}_app`]],
      ],
    );
    const read = await t.call('GET', `${users(a.id)}/${a.username}_app`);
    assert.deepEqual(read.body.data.databases, [`${a.username}_shop`]);
    assert.equal((await t.call('GET', `${users(b.id)}/${a.username}_app`)).status, 404);

    // The password is nowhere the panel keeps anything: rows (audit included), agent state; nor its hash.
    const kept = (await allRows(t)) + allFiles(t.config.dataDir);
    assert.ok(!kept.includes(PASSWORD), 'password stored');
    assert.ok(!kept.includes(nativePasswordHash(PASSWORD).slice(1)), 'password hash stored');
    assert.ok(kept.includes(`${a.username}_app`), 'the rows are there');
  });

  test('PATCH: a new password (the old one stops working) and a new set of databases', async () => {
    const a = await createAccount(t);
    for (const name of ['one', 'two']) assert.equal((await t.call('POST', dbs(a.id), { body: { name: `${a.username}_${name}` } })).status, 201);
    const name = `${a.username}_u`;
    assert.equal((await t.call('POST', users(a.id), { body: { name, password: PASSWORD, databases: [`${a.username}_one`] } })).status, 201);
    const changed = await t.call('PATCH', `${users(a.id)}/${name}`, { body: { password: NEW_PASSWORD, databases: [`${a.username}_two`] } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(changed.body.data.databases, [`${a.username}_two`]);
    assert.equal(await canLogin(name, PASSWORD), false);
    assert.deepEqual(await visibleDatabases(name, NEW_PASSWORD), [`${a.username}_two`]);
    const none = await t.call('PATCH', `${users(a.id)}/${name}`, { body: { databases: [] } });
    assert.deepEqual(none.body.data.databases, []);
    assert.deepEqual(await visibleDatabases(name, NEW_PASSWORD), []);
    assert.deepEqual((await serverState(a.username)).grants, []);
  });

  test('hostile names and grants: 422 naming the field, nothing made on the server', async () => {
    const a = await createAccount(t);
    const b = await createAccount(t);
    assert.equal((await t.call('POST', dbs(b.id), { body: { name: `${b.username}_x` } })).status, 201);
    const hostile = [
      'a`b',
      `${a.username}_x\``,
      `${a.username}_x'`,
      `${a.username}_x"`,
      `${a.username}_%`,
      `${a.username}_x%`,
      `${a.username}_*`,
      `${a.username}_X`,
      `${a.username}_`,
      `${a.username}-x`,
      `${a.username}_x;drop`,
      `${a.username}_x y`,
      `${b.username}_x`,
      `${a.username}_${'x'.repeat(64 - a.username.length)}`,
      '',
    ];
    for (const name of hostile) {
      const r = await t.call('POST', dbs(a.id), { body: { name } });
      assert.equal(r.status, 422, `${name}: ${r.text}`);
      assert.equal(r.body.details[0].field, 'name');
    }
    // 64 characters with the `_` counted twice: MariaDB keeps the escaped name (`alice\\_…`) in its grant tables.
    const tooLong = `${a.username}_${'x'.repeat(63 - a.username.length)}`;
    assert.equal((await t.call('POST', dbs(a.id), { body: { name: tooLong } })).status, 422);
    const longest = `${a.username}_${'x'.repeat(62 - a.username.length)}`;
    assert.equal(longest.length, 63);
    assert.equal((await t.call('POST', dbs(a.id), { body: { name: longest } })).status, 201);
    const userTooLong = `${a.username}_${'u'.repeat(80 - a.username.length)}`;
    assert.equal((await t.call('POST', users(a.id), { body: { name: userTooLong, password: PASSWORD } })).status, 422);
    const userLongest = userTooLong.slice(0, 80);
    const okUser = await t.call('POST', users(a.id), { body: { name: userLongest, password: PASSWORD } });
    assert.equal(okUser.status, 201, okUser.text);
    // Grants only on the account's own, existing databases; a wildcard is not a database.
    for (const databases of [[`${b.username}_x`], [`${a.username}_%`], [`${a.username}\\_%`], ['*'], [`${a.username}_nope`]]) {
      const r = await t.call('POST', users(a.id), { body: { name: `${a.username}_g`, password: PASSWORD, databases } });
      assert.equal(r.status, 422, `${databases[0]}: ${r.text}`);
      assert.equal(r.body.details[0].field, 'databases[0]');
    }
    assert.equal((await t.call('POST', users(a.id), { body: { name: `${a.username}_g`, password: 'short' } })).status, 422);
    assert.equal((await t.call('PATCH', `${users(a.id)}/${userLongest}`, { body: { databases: [`${b.username}_x`] } })).status, 422);
    const state = await serverState(a.username);
    assert.deepEqual(state.databases, [longest]);
    assert.deepEqual(state.users, [`${userLongest}@127.0.0.1`, `${userLongest}@localhost`]);
    assert.deepEqual(state.grants, []);
    assert.equal((await t.call('DELETE', `${dbs(a.id)}/${b.username}_x`)).status, 404);
    assert.equal((await t.call('DELETE', `${dbs(a.id)}/${encodeURIComponent('%')}`)).status, 404);
  });

  test("the package's max_databases: the next create is 403 package_limit_reached with the limit in the message", async () => {
    const pkg = await t.call('POST', '/api/v1/packages', {
      body: { name: `one-db-${process.pid}`, disk_quota_mb: 100, bandwidth_mb: 100, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' },
    });
    assert.equal(pkg.status, 201, pkg.text);
    const a = await createAccount(t, { package_id: pkg.body.data.id });
    assert.equal((await t.call('POST', dbs(a.id), { body: { name: `${a.username}_one` } })).status, 201);
    const over = await t.call('POST', dbs(a.id), { body: { name: `${a.username}_two` } });
    assert.equal(over.status, 403, over.text);
    assert.equal(over.body.error, 'package_limit_reached');
    assert.match(over.body.message, /allows 1 database per account; this account has 1/);
    assert.deepEqual((await serverState(a.username)).databases, [`${a.username}_one`]);
  });

  test('DELETE of a database drops it and its grants; DELETE of a user drops it at every host', async () => {
    const a = await createAccount(t);
    assert.equal((await t.call('POST', dbs(a.id), { body: { name: `${a.username}_d` } })).status, 201);
    assert.equal((await t.call('POST', users(a.id), { body: { name: `${a.username}_u`, password: PASSWORD, databases: [`${a.username}_d`] } })).status, 201);
    assert.equal((await serverState(a.username)).grants.length, 2);
    assert.equal((await t.call('DELETE', `${dbs(a.id)}/${a.username}_d`)).status, 204);
    assert.deepEqual(await serverState(a.username), { databases: [], users: [`${a.username}_u@127.0.0.1`, `${a.username}_u@localhost`], grants: [] });
    assert.deepEqual((await t.call('GET', `${users(a.id)}/${a.username}_u`)).body.data.databases, []);
    assert.equal((await t.call('DELETE', `${users(a.id)}/${a.username}_u`)).status, 204);
    assert.deepEqual(await serverState(a.username), { databases: [], users: [], grants: [] });
    assert.equal((await t.call('GET', users(a.id))).body.data.length, 0);
  });

  test('account delete drops its databases and users; when the server refuses, 500 naming the step and the account stays failed, and a retry finishes', async () => {
    const a = await createAccount(t);
    assert.equal((await t.call('POST', dbs(a.id), { body: { name: `${a.username}_d` } })).status, 201);
    assert.equal((await t.call('POST', users(a.id), { body: { name: `${a.username}_u`, password: PASSWORD, databases: [`${a.username}_d`] } })).status, 201);

    const root = await rootConnection();
    await root.query(`REVOKE ALL PRIVILEGES ON \`%\\_%\`.* FROM '${admin.user}'@'127.0.0.1'`);
    try {
      const refused = await t.call('DELETE', `/api/v1/accounts/${a.id}`);
      assert.equal(refused.status, 500, refused.text);
      assert.equal(refused.body.error, 'provisioning_failed');
      assert.match(refused.body.message, /databases/);
      assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}`)).body.data.status, 'failed');
      assert.deepEqual((await serverState(a.username)).databases, [`${a.username}_d`]);
    } finally {
      await root.query(`GRANT ALL PRIVILEGES ON \`%\\_%\`.* TO '${admin.user}'@'127.0.0.1' WITH GRANT OPTION`);
      await root.end();
    }
    const done = await t.call('DELETE', `/api/v1/accounts/${a.id}`);
    assert.equal(done.status, 204, done.text);
    assert.deepEqual(await serverState(a.username), { databases: [], users: [], grants: [] });
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}`)).status, 404);
    const rows = await t.get(DataSource).query('SELECT COUNT(*) AS n FROM hosting_databases WHERE name LIKE ?', [`${a.username}%`]);
    assert.equal(Number(rows[0].n), 0);
  });

  test('a database of the prefix made outside the panel goes with the account too (seed 001)', async () => {
    const a = await createAccount(t);
    const root = await rootConnection();
    await root.query(`CREATE DATABASE \`${a.username}_manual\``);
    await root.end();
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}`)).status, 204);
    assert.deepEqual((await serverState(a.username)).databases, []);
  });
});

describe('hosting databases without HW_HOSTING_DB_URL', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  test('POST answers 503 database_server_unavailable and keeps no row; the account still deletes', async () => {
    const a = await createAccount(t);
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/databases`, { body: { name: `${a.username}_x` } });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error, 'database_server_unavailable');
    assert.deepEqual((await t.call('GET', `/api/v1/accounts/${a.id}/databases`)).body.data, []);
    assert.equal((await t.call('GET', '/api/v1/accounts/999999/databases')).status, 404);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}`)).status, 204);
  });
});
