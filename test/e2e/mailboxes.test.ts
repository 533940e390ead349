import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { accountBody } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { shadowVerifies, skipUnlessInstalled } from '../support/system-tools';

const MAILBOX_KEYS = ['account_id', 'address', 'created_at', 'domain', 'id', 'local_part', 'primary', 'quota_mb', 'updated_at'];

/** Whether Debian's Dovecot verifies the password against the stored hash (`doveadm pw -t`). */
function dovecotVerifies(hash: string, password: string): boolean {
  return spawnSync('doveadm', ['pw', '-t', hash, '-p', password], { encoding: 'utf8' }).status === 0;
}

/** Every regular file under dir, as [path, bytes]. */
function filesUnder(dir: string): [string, Buffer][] {
  if (!existsSync(dir)) return [];
  const out: [string, Buffer][] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) out.push(...filesUnder(full));
    else if (st.isFile()) out.push([full, readFileSync(full)]);
  }
  return out;
}

describe('mailboxes: API, package limits, grammar, and passwords that work and are stored nowhere in clear', { skip: skipUnlessInstalled('doveadm') }, () => {
  let t: TestApp;
  let packageId: number;
  before(async () => {
    t = await startTestApp();
    const pkg = await t.call('POST', '/api/v1/packages', {
      body: { name: 'mail-small', disk_quota_mb: 500, bandwidth_mb: 1000, max_domains: 1, max_databases: 1, max_email_accounts: 3, php_version: '8.2' },
    });
    assert.equal(pkg.status, 201, pkg.text);
    packageId = pkg.body.data.id;
  });
  after(() => t.close());

  const shadowHash = (username: string) =>
    readFileSync(join(t.config.provisioning.rootDir, 'etc/shadow'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${username}:`))!
      .split(':')[1];
  const mailboxHash = async (domain: string, localPart: string): Promise<string> =>
    (await t.get(DataSource).query('SELECT password_hash FROM mailboxes WHERE domain = ? AND local_part = ?', [domain, localPart]))[0]?.password_hash;

  test('create: the primary mailbox {username}@{domain} and the Linux user both take the create password', async () => {
    const password = 'Primary-Pass-81x';
    const body = accountBody({ password, package_id: packageId });
    const created = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(created.status, 201, created.text);
    const { id, username, domain } = created.body.data;
    const list = await t.call('GET', `/api/v1/accounts/${id}/mailboxes`);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    assert.deepEqual(Object.keys(list.body.data[0]).sort(), MAILBOX_KEYS);
    assert.deepEqual(list.body.data[0], {
      ...list.body.data[0],
      account_id: id,
      address: `${username}@${domain}`,
      local_part: username,
      domain,
      quota_mb: 500,
      primary: true,
    });
    const hash = await mailboxHash(domain, username);
    assert.match(hash, /^\{ARGON2ID\}\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    assert.ok(dovecotVerifies(hash, password), 'Dovecot verifies the primary mailbox password');
    assert.match(shadowHash(username), /^\$6\$/);
    assert.ok(shadowVerifies(shadowHash(username), password), "the Linux user's password is the create password");
  });

  test('PATCH /accounts/{id} password changes the Linux user and the primary mailbox; a suspended account stays expired', async () => {
    const created = await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: packageId }) });
    const { id, username, domain } = created.body.data;
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`, { body: {} })).status, 200);
    const patched = await t.call('PATCH', `/api/v1/accounts/${id}`, { body: { password: 'Changed-Pass-22y' } });
    assert.equal(patched.status, 200, patched.text);
    assert.ok(shadowVerifies(shadowHash(username), 'Changed-Pass-22y'));
    assert.ok(dovecotVerifies(await mailboxHash(domain, username), 'Changed-Pass-22y'));
    assert.ok(!dovecotVerifies(await mailboxHash(domain, username), 'correct horse'));
    const shadow = readFileSync(join(t.config.provisioning.rootDir, 'etc/shadow'), 'utf8');
    assert.equal(
      shadow
        .split('\n')
        .find((l) => l.startsWith(`${username}:`))!
        .split(':')[7],
      '1',
      'still expired while suspended',
    );
    // The Opterius verb and Plesk's ftp_password reach the same path.
    const opterius = await t.call('POST', '/api/v1/accounts/password', { body: { username, password: 'Opterius-Pass-3z' } });
    assert.equal(opterius.status, 200, opterius.text);
    assert.ok(shadowVerifies(shadowHash(username), 'Opterius-Pass-3z'));
    assert.ok(dovecotVerifies(await mailboxHash(domain, username), 'Opterius-Pass-3z'));
  });

  test('POST/GET/PATCH/DELETE a mailbox: shapes, 409 on a taken address, 404 after delete, its maildir gone', async () => {
    const { id, domain } = (await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: packageId }) })).body.data;
    const made = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'info', password: 'Info-Pass-123', quota_mb: 200 } });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(Object.keys(made.body.data).sort(), MAILBOX_KEYS);
    assert.deepEqual(made.body.data, { ...made.body.data, account_id: id, address: `info@${domain}`, local_part: 'info', domain, quota_mb: 200, primary: false });
    assert.ok(!made.text.includes('Info-Pass-123') && !made.text.includes('password'), 'no password or hash in the answer');
    assert.ok(dovecotVerifies(await mailboxHash(domain, 'info'), 'Info-Pass-123'));
    const [row] = await t.get(DataSource).query('SELECT maildir, quota_mb FROM mailboxes WHERE domain = ? AND local_part = ?', [domain, 'info']);
    assert.deepEqual([row.maildir, Number(row.quota_mb)], [`${domain}/info/`, 200]);

    const again = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'info', password: 'Other-Pass-123' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.details[0].field, 'local_part');

    const got = await t.call('GET', `/api/v1/accounts/${id}/mailboxes/info`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.data, made.body.data);

    const patched = await t.call('PATCH', `/api/v1/accounts/${id}/mailboxes/info`, { body: { password: 'New-Info-Pass-9', quota_mb: 300 } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.data.quota_mb, 300);
    assert.ok(dovecotVerifies(await mailboxHash(domain, 'info'), 'New-Info-Pass-9'));
    const immutable = await t.call('PATCH', `/api/v1/accounts/${id}/mailboxes/info`, { body: { local_part: 'other' } });
    assert.equal(immutable.status, 422);
    assert.equal(immutable.body.details[0].field, 'local_part');

    // Mail Postfix delivered: the DELETE takes it with the row.
    const maildir = join(t.config.provisioning.rootDir, `var/mail/vdomains/${domain}/info/new`);
    execFileSync('mkdir', ['-p', maildir]);
    const removed = await t.call('DELETE', `/api/v1/accounts/${id}/mailboxes/info`);
    assert.equal(removed.status, 204, removed.text);
    assert.equal(existsSync(join(t.config.provisioning.rootDir, `var/mail/vdomains/${domain}/info`)), false, 'the maildir is gone');
    assert.equal((await t.call('GET', `/api/v1/accounts/${id}/mailboxes/info`)).status, 404);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${id}/mailboxes/info`)).status, 404);
    assert.equal((await t.call('GET', `/api/v1/accounts/999999/mailboxes`)).status, 404);
  });

  test('package limits: the fourth mailbox of max_email_accounts 3 → 403 naming the limit; quota above the disk quota → 422', async () => {
    const { id } = (await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: packageId }) })).body.data;
    const tooBig = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'big', password: 'Big-Pass-1234', quota_mb: 501 } });
    assert.equal(tooBig.status, 422);
    assert.deepEqual(tooBig.body.details, [{ field: 'quota_mb', message: 'quota_mb must be at most 500, the account\'s disk quota (package "mail-small")' }]);
    // Parallel creates past the limit: the database decides, exactly two of five fit beside the primary.
    const answers = await Promise.all(
      ['a1', 'a2', 'a3', 'a4', 'a5'].map((local_part) => t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part, password: 'Many-Pass-1234' } })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 201, 403, 403, 403]);
    const refused = answers.find((a) => a.status === 403)!;
    assert.equal(refused.body.error, 'package_limit_reached');
    assert.equal(refused.body.message, 'Mailbox limit reached (3/3) for the package "mail-small"');
    const patched = await t.call('PATCH', `/api/v1/accounts/${id}/mailboxes/a1`, { body: { quota_mb: 9999 } });
    assert.ok([404, 422].includes(patched.status));
  });

  test('grammar: local parts outside a-z0-9._- (and uppercase, "..", a leading dot) are refused with 422, nothing stored', async () => {
    const { id } = (await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: packageId }) })).body.data;
    for (const local_part of ['Info', 'a..b', '.a', 'a.', 'a/b', 'a+b', 'a b', '', 'x'.repeat(65), 'ä', 'a\nb', 7]) {
      const r = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part, password: 'Grammar-Pass-1' } });
      assert.equal(r.status, 422, JSON.stringify(local_part));
      assert.equal(r.body.details[0].field, 'local_part');
    }
    for (const quota_mb of [0, -1, 1.5, '10', 1_048_577]) {
      const r = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'q', password: 'Grammar-Pass-1', quota_mb } });
      assert.equal(r.status, 422, JSON.stringify(quota_mb));
    }
    const short = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'q', password: 'short' } });
    assert.equal(short.status, 422);
    const [{ n }] = await t.get(DataSource).query('SELECT COUNT(*) AS n FROM mailboxes WHERE account_id = ?', [id]);
    assert.equal(Number(n), 1, 'only the primary');
  });

  test('suspend sets mail_domains.active = 0 (Postfix defers, Dovecot refuses), unsuspend 1; delete takes the domain, every mailbox and the maildirs', async () => {
    const { id, domain } = (await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: packageId }) })).body.data;
    await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'sales', password: 'Sales-Pass-123' } });
    const active = async () =>
      (await t.get(DataSource).query('SELECT active FROM mail_domains WHERE domain = ?', [domain])).map((r: { active: number }) => Number(r.active));
    assert.deepEqual(await active(), [1]);
    await t.call('POST', `/api/v1/accounts/${id}/suspend`, { body: {} });
    assert.deepEqual(await active(), [0]);
    // A suspended account's mailboxes can still be managed.
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${id}/mailboxes/sales`, { body: { quota_mb: 10 } })).status, 200);
    await t.call('POST', `/api/v1/accounts/${id}/unsuspend`, { body: {} });
    assert.deepEqual(await active(), [1]);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${id}`)).status, 204);
    assert.deepEqual(await active(), []);
    const [{ n }] = await t.get(DataSource).query('SELECT COUNT(*) AS n FROM mailboxes WHERE domain = ?', [domain]);
    assert.equal(Number(n), 0);
    assert.equal(existsSync(join(t.config.provisioning.rootDir, `var/mail/vdomains/${domain}`)), false);
  });

  test('no password in clear anywhere stored: audit rows, the agent ledger and nonces, the data dir, rootDir, the database', async () => {
    const secrets = ['Secret-Create-7q', 'Secret-Patch-8r', 'Secret-Mailbox-9s', 'Secret-MbPatch-0t'];
    // With an Idempotency-Key: the stored replay holds the answer, never the request's password.
    const { id } = (
      await t.call('POST', '/api/v1/accounts', {
        body: accountBody({ package_id: packageId, password: secrets[0] }),
        headers: { 'idempotency-key': 'mail-secret-create-1' },
      })
    ).body.data;
    await t.call('PATCH', `/api/v1/accounts/${id}`, { body: { password: secrets[1] } });
    await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'leak', password: secrets[2] } });
    await t.call('PATCH', `/api/v1/accounts/${id}/mailboxes/leak`, { body: { password: secrets[3] } });
    const ds = t.get(DataSource);
    const audit = JSON.stringify(await ds.query('SELECT * FROM audit_log'));
    assert.ok(audit.includes('mailboxes'), 'the writes are audited');
    for (const s of secrets) assert.ok(!audit.includes(s), `audit rows carry no ${s}`);
    const tables = ['accounts', 'mailboxes', 'mail_domains', 'provisioning_cleanups', 'idempotency_keys', 'audit_log'];
    for (const table of tables) {
      const rows = JSON.stringify(await ds.query(`SELECT * FROM ${table}`).catch(() => []));
      for (const s of secrets) assert.ok(!rows.includes(s), `${table} carries no ${s}`);
    }
    // The data dir holds the agent's plan ledger and nonces (and, on SQLite, the database); rootDir everything the agent wrote.
    for (const [path, bytes] of filesUnder(t.config.dataDir)) for (const s of secrets) assert.ok(!bytes.includes(s), `${path} carries no ${s}`);
  });
});
