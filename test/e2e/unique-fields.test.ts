import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { reversedLabels } from '../../src/agent-protocol/grammar';
import { sqlNow } from '../../src/platform/database/columns';
import { isUniqueViolation } from '../../src/platform/database/database.service';
import { takenField } from '../../src/platform/database/unique-fields';
import { accountBody, countRows } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

describe("unique conflicts: the refusing index names the field, never the driver's text", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('a taken value is named by the refusing index, on this database: username, domain, login, package name; an unnamed index gives null', async () => {
    const db = t.get(DataSource);
    const refusal = (sql: string, params: unknown[]) =>
      db.query(sql, params).then(
        () => assert.fail(`not refused: ${sql}`),
        (e: unknown) => e,
      );
    const INSERT_ACCOUNT =
      'INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const account = (username: string, domain: string, guid = randomUUID()) => [
      guid,
      username,
      domain,
      reversedLabels(domain),
      'owner@example.com',
      'x',
      1,
      'active',
      '8.2',
      sqlNow(),
      sqlNow(),
    ];
    const INSERT_CLIENT = 'INSERT INTO clients (guid, name, login, email, password_hash, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
    const client = (login: string) => [randomUUID(), 'Owner', login, 'owner@example.com', 'x', 'active', sqlNow()];
    const INSERT_PACKAGE =
      'INSERT INTO packages (name, disk_quota_mb, bandwidth_mb, max_domains, max_databases, max_email_accounts, php_version, created_at) VALUES (?, 1, 1, 1, 1, 1, ?, ?)';

    const guid = randomUUID();
    await db.query(INSERT_ACCOUNT, account('domainuser', 'usernamehost.example.org', guid));
    // Each value spells the other field: only the index can tell which one was taken.
    assert.equal(takenField(await refusal(INSERT_ACCOUNT, account('domainuser', 'other.example.org'))), 'username');
    assert.equal(takenField(await refusal(INSERT_ACCOUNT, account('otheruser', 'usernamehost.example.org'))), 'domain');
    await db.query(INSERT_CLIENT, client('taken.login'));
    assert.equal(takenField(await refusal(INSERT_CLIENT, client('taken.login'))), 'login');
    assert.equal(takenField(await refusal(INSERT_PACKAGE, ['default', '8.2', sqlNow()])), 'name');

    const sameGuid = await refusal(INSERT_ACCOUNT, account('guiduser', 'guid.example.org', guid));
    assert.ok(isUniqueViolation(sameGuid));
    assert.equal(takenField(sameGuid), null, 'a guid is no field a caller sets');
    assert.equal(takenField(new Error('UNIQUE constraint failed: accounts.domain')), null, 'only a driver error counts');
  });

  test('a create that collides names the taken field, username or domain, even when the value spells the other', async () => {
    const first = accountBody({ username: 'domainowner', domain: 'usernames.example.org' });
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: first })).status, 201);
    const username = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: 'domainowner' }) });
    assert.equal(username.status, 409);
    assert.deepEqual(username.body.details, [{ field: 'username', message: 'username is already taken' }]);
    assert.match(username.body.message, /username domainowner/);
    const domain = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: 'usernameless', domain: 'usernames.example.org' }) });
    assert.equal(domain.status, 409);
    assert.deepEqual(domain.body.details, [{ field: 'domain', message: 'domain is already taken' }]);
    assert.match(domain.body.message, /domain usernames\.example\.org/);
    assert.equal(await countRows(t, 'accounts', 'username = ?', ['usernameless']), 0);
    // The same refusal in the order dialect, under its own field name.
    const client = await t.call('POST', '/API/plesk/clients/create', {
      body: { name: 'Owner', login: 'order.owner', email: 'order.owner@example.com', password: 'long-enough' },
    });
    const order = await t.call('POST', '/API/orders/create_order_plesk', {
      body: { plan_id: 1, client_id: client.body.data.id, domain_name: 'fresh.example.org', ftp_login: 'domainowner', ftp_password: 'ftp-password-1' },
    });
    assert.equal(order.status, 409);
    assert.deepEqual(order.body.errors, { ftp_login: ['ftp_login is already taken'] });
  });
});
