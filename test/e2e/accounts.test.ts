import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { verifyPassword } from '../../src/common/passwords';
import { accountBody, countRows, createAccount, SEED_CREATE_BODY, SEED_CREATE_KEYS } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function fieldsOf(body: { details?: { field: string }[] }): string[] {
  return (body.details ?? []).map((d) => d.field).sort();
}

describe('accounts: the native lifecycle API', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('seed 000: the curl body verbatim → 201 with exactly the seed fields; the password is stored as argon2id only', async () => {
    const r = await t.call('POST', '/api/v1/accounts', { body: SEED_CREATE_BODY });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body), ['data']);
    assert.deepEqual(Object.keys(r.body.data).sort(), SEED_CREATE_KEYS);
    const { id, created_at, ...rest } = r.body.data;
    assert.ok(Number.isSafeInteger(id) && id > 0);
    assert.match(created_at, ISO_UTC);
    assert.ok(Math.abs(Date.parse(created_at) - Date.now()) < 60_000);
    assert.deepEqual(rest, { username: 'alice', domain: 'alice.example.com', email: 'alice@example.com', status: 'active', package_id: 1 });
    assert.ok(!r.text.includes('s3cur3p@ss'));

    const [row] = await t.get(DataSource).query('SELECT status, password_hash, guid FROM accounts WHERE id = ?', [id]);
    assert.equal(row.status, 'active');
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(await verifyPassword(row.password_hash, 's3cur3p@ss'), 'the stored hash is of the password sent');
    assert.match(row.guid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const got = await t.call('GET', `/api/v1/accounts/${id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.data.created_at, created_at);
    assert.equal(got.body.data.guid, row.guid);
    assert.ok(!('password' in got.body.data) && !('password_hash' in got.body.data));
    assert.ok(!got.text.includes('argon2'));
  });

  test('seed 000 errors: 409 conflict when the username or the domain is in use', async () => {
    const username = await t.call('POST', '/api/v1/accounts', { body: { ...SEED_CREATE_BODY, domain: 'other-alice.example.com' } });
    assert.equal(username.status, 409);
    assert.equal(username.body.error, 'conflict');
    assert.match(username.body.message, /username/);
    const domain = await t.call('POST', '/api/v1/accounts', { body: { ...SEED_CREATE_BODY, username: 'alice2', domain: 'alice.example.com' } });
    assert.equal(domain.status, 409);
    assert.equal(domain.body.error, 'conflict');
    assert.match(domain.body.message, /domain/);
    assert.equal(await countRows(t, 'accounts', 'username = ?', ['alice2']), 0);
  });

  test('seed 000 errors: 422 validation_failed with one detail per missing or invalid field', async () => {
    for (const field of Object.keys(SEED_CREATE_BODY)) {
      const body: Record<string, unknown> = accountBody();
      delete body[field];
      const r = await t.call('POST', '/api/v1/accounts', { body });
      assert.equal(r.status, 422, field);
      assert.equal(r.body.error, 'validation_failed');
      assert.deepEqual(fieldsOf(r.body), [field], field);
      assert.match(r.body.details[0].message, /required/);
    }
    const invalid: [string, unknown][] = [
      ['username', 'ab'],
      ['username', 'a'.repeat(33)],
      ['username', 9],
      ['domain', 'localhost'],
      ['email', 'not-an-email'],
      ['password', 'short'],
      ['password', 'x'.repeat(129)],
      ['package_id', 'one'],
      ['package_id', 0],
      ['client_id', 'x'],
      ['disk_limit_mb', -1],
      ['bandwidth_limit_mb', 1.5],
    ];
    for (const [field, value] of invalid) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody({ [field]: value }) });
      assert.equal(r.status, 422, `${field}=${JSON.stringify(value)}`);
      assert.deepEqual(fieldsOf(r.body), [field], `${field}=${JSON.stringify(value)}`);
    }
    const all = await t.call('POST', '/api/v1/accounts', { body: { username: 'ROOT', domain: '1.2.3.4', email: 'x', password: '1', package_id: 1, colour: 'red' } });
    assert.equal(all.status, 422);
    assert.deepEqual(fieldsOf(all.body), ['colour', 'domain', 'email', 'password', 'username']);
    const before = await countRows(t, 'accounts');
    const noPackage = await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: 999 }) });
    assert.equal(noPackage.status, 422);
    assert.deepEqual(fieldsOf(noPackage.body), ['package_id']);
    const noClient = await t.call('POST', '/api/v1/accounts', { body: accountBody({ client_id: 999 }) });
    assert.equal(noClient.status, 422);
    assert.deepEqual(fieldsOf(noClient.body), ['client_id']);
    assert.equal(await countRows(t, 'accounts'), before);
  });

  test('hostile usernames are refused; hostile and non-canonical domains are refused, never rewritten', async () => {
    for (const username of [
      '../x',
      'a;b',
      'ROOT',
      'root',
      'admin',
      'mysql',
      'postmaster',
      'nginx',
      'www',
      'systemdx',
      'foo bar',
      'alice\n',
      ' alice',
      '1abc',
      'ab-c',
      'a_b',
      'ünï',
      '$(id)',
    ]) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username }) });
      assert.equal(r.status, 422, JSON.stringify(username));
      assert.deepEqual(fieldsOf(r.body), ['username'], JSON.stringify(username));
    }
    for (const domain of [
      '../x',
      'a;b.com',
      'foo bar.com',
      '1.2.3.4',
      '0x7f.1',
      '[::1]',
      'exa_mple.com',
      '-a.com',
      'a-.com',
      'com',
      'a..b.com',
      'a.com..',
      `${'a'.repeat(64)}.com`,
      `${'abcdefghi.'.repeat(26)}com`,
      'ex%61mple.com',
      'x.com/evil',
      '{{x}}.com',
      "a'b.com",
      'xn--zz.com',
      '',
      'x-com.example\n',
      '  Mixed.CASE.Example.ORG.  ',
    ]) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain }) });
      assert.equal(r.status, 422, JSON.stringify(domain));
      assert.deepEqual(fieldsOf(r.body), ['domain'], JSON.stringify(domain));
    }
    // A proper (lowercase, NFC) U-label is canonical input: it is stored as its punycode.
    const stored: [string, string][] = [['ünicode.de', 'xn--nicode-2ya.de']];
    for (const [input, asStored] of stored) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain: input }) });
      assert.equal(r.status, 201, `${JSON.stringify(input)}: ${r.text}`);
      assert.equal(r.body.data.domain, asStored);
      const [row] = await t.get(DataSource).query('SELECT domain FROM accounts WHERE id = ?', [r.body.data.id]);
      assert.equal(row.domain, asStored);
    }
  });

  test('twenty parallel creates of one username: exactly one 201 and nineteen 409', async () => {
    const name = 'racer';
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.call('POST', '/api/v1/accounts', { body: accountBody({ username: name, domain: `race${i}.example.com` }) })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, ...Array(19).fill(409)], JSON.stringify(results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.text)));
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error, 'conflict');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [name]), 1);
  });

  test('list: pages chained by cursor visit every account exactly once; limit bounds; bad cursor 422', async () => {
    for (let i = 0; i < 5; i++) await createAccount(t);
    const total = await countRows(t, 'accounts');
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/accounts?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await t.call('GET', url);
      assert.equal(r.status, 200);
      assert.ok(r.body.data.length <= 3);
      assert.equal(r.body.meta.limit, 3);
      seen.push(...r.body.data.map((a: { id: number }) => a.id));
      cursor = r.body.meta.next_cursor;
      pages += 1;
    } while (cursor && pages < 100);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    const dflt = await t.call('GET', '/api/v1/accounts');
    assert.equal(dflt.body.meta.limit, 25);
    for (const bad of ['limit=0', 'limit=101', 'limit=x', 'cursor=%24%24', 'status=sleeping', 'client_id=x']) {
      const r = await t.call('GET', `/api/v1/accounts?${bad}`);
      assert.equal(r.status, 422, bad);
    }
  });

  test('a query of only limit and cursor (the short path) answers as the fully validated one', async () => {
    await createAccount(t);
    await createAccount(t);
    const first = await t.call('GET', '/api/v1/accounts?limit=1');
    assert.equal(first.status, 200);
    assert.equal(first.body.meta.limit, 1);
    const next = first.body.meta.next_cursor as string;
    // 01 is not plain digits, so it takes class-validator; both must agree
    const viaValidator = await t.call('GET', `/api/v1/accounts?limit=01&cursor=${next}`);
    const viaShortPath = await t.call('GET', `/api/v1/accounts?limit=1&cursor=${next}`);
    assert.equal(viaShortPath.status, 200);
    assert.deepEqual(viaShortPath.body, viaValidator.body);
    assert.equal(viaShortPath.body.meta.limit, 1);
    assert.notEqual(viaShortPath.body.data[0].id, first.body.data[0].id);
    const at100 = await t.call('GET', '/api/v1/accounts?limit=100');
    assert.equal(at100.body.meta.limit, 100);
    for (const [query, message] of [
      ['limit=101', 'limit must be at most 100'],
      ['limit=0', 'limit must be at least 1'],
      ['limit=1&cursor=%24%24', 'cursor must be a next_cursor value from a previous page'],
      ['cursor=abc&limit=1&extra=1', 'extra is not a known field'],
    ]) {
      const r = await t.call('GET', `/api/v1/accounts?${query}`);
      assert.equal(r.status, 422, query);
      assert.ok(JSON.stringify(r.body).includes(message), `${query}: ${JSON.stringify(r.body)}`);
    }
  });

  test('list filters: status, username, domain (normalised), client_id', async () => {
    const client = await t.call('POST', '/api/v1/clients', { body: { name: 'Filter Co', login: 'filterco', email: 'f@example.com', password: 'password1' } });
    assert.equal(client.status, 201);
    const owned = await createAccount(t, { client_id: client.body.data.id });
    const suspended = await createAccount(t);
    assert.equal((await t.call('POST', `/api/v1/accounts/${suspended.id}/suspend`)).status, 200);

    const byStatus = await t.call('GET', '/api/v1/accounts?status=suspended&limit=100');
    assert.deepEqual(
      byStatus.body.data.map((a: { id: number }) => a.id),
      [suspended.id],
    );
    const byUsername = await t.call('GET', `/api/v1/accounts?username=${owned.username}`);
    assert.deepEqual(
      byUsername.body.data.map((a: { id: number }) => a.id),
      [owned.id],
    );
    const byDomain = await t.call('GET', `/api/v1/accounts?domain=${encodeURIComponent(owned.domain.toUpperCase() + '.')}`);
    assert.deepEqual(
      byDomain.body.data.map((a: { id: number }) => a.id),
      [owned.id],
    );
    const byClient = await t.call('GET', `/api/v1/accounts?client_id=${client.body.data.id}`);
    assert.deepEqual(
      byClient.body.data.map((a: { id: number }) => a.id),
      [owned.id],
    );
    assert.equal(byClient.body.data[0].client_id, client.body.data.id);
    const none = await t.call('GET', '/api/v1/accounts?username=nobodyhere');
    assert.deepEqual(none.body, { data: [], meta: { next_cursor: null, limit: 25 } });
  });

  test('a list page shows each account exactly as GET one does (the page reads only the view columns)', async () => {
    const client = await t.call('POST', '/api/v1/clients', { body: { name: 'Page Co', login: 'pageco', email: 'p@example.com', password: 'password1' } });
    assert.equal(client.status, 201);
    await createAccount(t, { client_id: client.body.data.id, external_id: 'whmcs-77', disk_limit_mb: 2048, bandwidth_limit_mb: 4096 });
    const suspended = await createAccount(t);
    assert.equal((await t.call('POST', `/api/v1/accounts/${suspended.id}/suspend`, { body: { reason: 'unpaid invoice' } })).status, 200);
    const page = await t.call('GET', '/api/v1/accounts?limit=100');
    assert.equal(page.status, 200);
    assert.ok(page.body.data.length >= 2);
    for (const listed of page.body.data) {
      const one = await t.call('GET', `/api/v1/accounts/${listed.id}`);
      assert.deepEqual(listed, one.body.data, `account ${listed.id}`);
    }
    const shown = page.body.data.find((a: { id: number }) => a.id === suspended.id);
    assert.equal(shown.suspend_reason, 'unpaid invoice');
    assert.equal(shown.suspensions.length, 1);
    assert.ok(page.body.data.some((a: { external_id: string | null; disk_limit_mb: number | null }) => a.external_id === 'whmcs-77' && a.disk_limit_mb === 2048));
  });

  test('GET one: 404 not_found when absent or not a number', async () => {
    for (const id of ['999999', 'abc', '0', '-1']) {
      const r = await t.call('GET', `/api/v1/accounts/${id}`);
      assert.equal(r.status, 404, id);
      assert.equal(r.body.error, 'not_found');
    }
  });

  test('PATCH: username and domain are immutable (422 saying so); email, password, client, limits change', async () => {
    const account = await createAccount(t);
    const immutable = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { username: 'renamed', domain: 'renamed.example.com' } });
    assert.equal(immutable.status, 422);
    assert.deepEqual(fieldsOf(immutable.body), ['domain', 'username']);
    for (const d of immutable.body.details) assert.match(d.message, /immutable/);
    const one = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { username: account.username } });
    assert.equal(one.status, 422);
    const nulled = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { domain: null } });
    assert.equal(nulled.status, 422);
    assert.match(nulled.body.details[0].message, /domain is immutable/);

    const [{ password_hash: oldHash }] = await t.get(DataSource).query('SELECT password_hash FROM accounts WHERE id = ?', [account.id]);
    const changed = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { email: 'new@example.org', password: 'another pass', disk_limit_mb: 2048 } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.data.email, 'new@example.org');
    assert.equal(changed.body.data.disk_limit_mb, 2048);
    assert.equal(changed.body.data.username, account.username);
    const [row] = await t.get(DataSource).query('SELECT email, password_hash, disk_limit_mb FROM accounts WHERE id = ?', [account.id]);
    assert.equal(row.email, 'new@example.org');
    assert.notEqual(row.password_hash, oldHash);
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.equal(Number(row.disk_limit_mb), 2048);

    const cleared = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { disk_limit_mb: null } });
    assert.equal(cleared.body.data.disk_limit_mb, null);
    const badClient = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { client_id: 424242 } });
    assert.equal(badClient.status, 422);
    assert.deepEqual(fieldsOf(badClient.body), ['client_id']);
    const badPackage = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package_id: 424242 } });
    assert.equal(badPackage.status, 422);
    assert.deepEqual(fieldsOf(badPackage.body), ['package_id']);
    assert.equal((await t.call('PATCH', '/api/v1/accounts/999999', { body: { email: 'a@b.co' } })).status, 404);
  });

  test('PATCH package: by id or name; the PHP version follows the package', async () => {
    const pkg = await t.call('POST', '/api/v1/packages', {
      body: { name: 'php84', disk_quota_mb: 1, bandwidth_mb: 1, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.4' },
    });
    assert.equal(pkg.status, 201);
    const account = await createAccount(t);
    const moved = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package: 'php84' } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.data.package_id, pkg.body.data.id);
    assert.equal(moved.body.data.php_version, '8.4');
    const back = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package_id: 1 } });
    assert.equal(back.body.data.php_version, '8.2');
    const both = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package_id: 1, package: 'default' } });
    assert.equal(both.status, 422);
  });

  test('suspend / unsuspend: 200 {id, username, status}; twice → 409 conflict; the reason is kept while suspended', async () => {
    const account = await createAccount(t);
    const s = await t.call('POST', `/api/v1/accounts/${account.id}/suspend`, { body: { reason: 'Overdue invoice #1234' } });
    assert.equal(s.status, 200, s.text);
    const since = s.body.data.suspensions?.[0]?.since;
    assert.match(since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(s.body, {
      data: { id: account.id, username: account.username, status: 'suspended', suspensions: [{ type: 'admin', reason: 'Overdue invoice #1234', since }] },
    });
    assert.equal((await t.call('GET', `/api/v1/accounts/${account.id}`)).body.data.suspend_reason, 'Overdue invoice #1234');
    const again = await t.call('POST', `/api/v1/accounts/${account.id}/suspend`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'conflict');
    assert.match(again.body.message, /already suspended/);

    const u = await t.call('POST', `/api/v1/accounts/${account.id}/unsuspend`);
    assert.equal(u.status, 200);
    assert.deepEqual(u.body, { data: { id: account.id, username: account.username, status: 'active', suspensions: [] } });
    const got = await t.call('GET', `/api/v1/accounts/${account.id}`);
    assert.equal(got.body.data.status, 'active');
    assert.equal(got.body.data.suspend_reason, null);
    const twice = await t.call('POST', `/api/v1/accounts/${account.id}/unsuspend`);
    assert.equal(twice.status, 409);
    assert.match(twice.body.message, /already active/);

    assert.equal((await t.call('POST', '/api/v1/accounts/999999/suspend')).status, 404);
    assert.equal((await t.call('POST', '/api/v1/accounts/999999/unsuspend')).status, 404);
    assert.equal((await t.call('POST', `/api/v1/accounts/${account.id}/suspend`, { body: { reason: 7 } })).status, 422);
  });

  test('parallel suspends of one account: exactly one 200', async () => {
    const account = await createAccount(t);
    const results = await Promise.all(Array.from({ length: 6 }, () => t.call('POST', `/api/v1/accounts/${account.id}/suspend`)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409]);
  });

  test('seed 001: DELETE → 204 with no body and the row gone; again → 404 not_found', async () => {
    const account = await createAccount(t);
    const r = await t.call('DELETE', `/api/v1/accounts/${account.id}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(await countRows(t, 'accounts', 'id = ?', [account.id]), 0);
    const again = await t.call('DELETE', `/api/v1/accounts/${account.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.error, 'not_found');
    assert.equal((await t.call('GET', `/api/v1/accounts/${account.id}`)).status, 404);
    const suspended = await createAccount(t);
    await t.call('POST', `/api/v1/accounts/${suspended.id}/suspend`);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${suspended.id}`)).status, 204);
    const reuse = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: account.username, domain: account.domain }) });
    assert.equal(reuse.status, 201, 'a deleted username and domain are free again');
  });

  test('/api/accounts (no v1) answers like /api/v1/accounts', async () => {
    const created = await t.call('POST', '/api/accounts', { body: accountBody() });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body.data).sort(), SEED_CREATE_KEYS);
    const id = created.body.data.id;
    const v1 = await t.call('GET', `/api/v1/accounts/${id}`);
    const alias = await t.call('GET', `/api/accounts/${id}`);
    assert.equal(alias.status, 200);
    assert.deepEqual(alias.body, v1.body);
    assert.equal((await t.call('POST', `/api/accounts/${id}/suspend`)).body.data.status, 'suspended');
    // Opterius Commerce retries suspend: on the billing alias a repeat is a success (409 on /api/v1).
    assert.equal((await t.call('POST', `/api/accounts/${id}/suspend`)).status, 200);
    assert.equal((await t.call('POST', `/api/accounts/${id}/unsuspend`)).body.data.status, 'active');
    assert.equal((await t.call('GET', '/api/accounts/999999')).status, 404);
    const del = await t.call('DELETE', `/api/accounts/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
  });

  test('create by package name with limit overrides: stored and returned; both or neither of package/package_id → 422', async () => {
    const r = await t.call('POST', '/api/accounts', {
      body: { ...accountBody(), package_id: undefined, package: 'default', disk_limit_mb: 5120, bandwidth_limit_mb: 51200 },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body.data).sort(), SEED_CREATE_KEYS);
    assert.equal(r.body.data.package_id, 1);
    const got = await t.call('GET', `/api/accounts/${r.body.data.id}`);
    assert.equal(got.body.data.disk_limit_mb, 5120);
    assert.equal(got.body.data.bandwidth_limit_mb, 51200);
    const plain = await createAccount(t);
    const plainGot = await t.call('GET', `/api/v1/accounts/${plain.id}`);
    assert.equal(plainGot.body.data.disk_limit_mb, null);

    const both = await t.call('POST', '/api/accounts', { body: accountBody({ package: 'default' }) });
    assert.equal(both.status, 422);
    assert.deepEqual(fieldsOf(both.body), ['package']);
    const neither = await t.call('POST', '/api/accounts', { body: accountBody({ package_id: undefined }) });
    assert.equal(neither.status, 422);
    assert.deepEqual(fieldsOf(neither.body), ['package_id']);
    const unknown = await t.call('POST', '/api/accounts', { body: accountBody({ package_id: undefined, package: 'gold' }) });
    assert.equal(unknown.status, 422);
    assert.deepEqual(fieldsOf(unknown.body), ['package']);
  });

  test('?dry_run=true: 200 {data: plan}, nothing written; validated the same way (422, 409)', async () => {
    const before = await countRows(t, 'accounts');
    const body = accountBody();
    const r = await t.call('POST', '/api/v1/accounts?dry_run=true', { body });
    assert.equal(r.status, 200, r.text);
    for (const key of ['steps', 'files', 'records', 'commands']) assert.ok(Array.isArray(r.body.data[key]), key);
    assert.equal(await countRows(t, 'accounts'), before);
    assert.equal((await t.call('POST', '/api/v1/accounts?dry_run=true', { body: { ...body, username: 'root' } })).status, 422);
    const taken = await t.call('POST', '/api/v1/accounts?dry_run=true', { body: { ...SEED_CREATE_BODY, domain: 'fresh.example.com' } });
    assert.equal(taken.status, 409);
    assert.equal((await t.call('POST', '/api/v1/accounts?dry_run=maybe', { body })).status, 422);
    const real = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(real.status, 201, 'the dry run reserved nothing');
  });

  test('a package in use cannot be deleted (409); once unused it can', async () => {
    const pkg = await t.call('POST', '/api/v1/packages', {
      body: { name: 'inuse', disk_quota_mb: 1, bandwidth_mb: 1, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' },
    });
    const account = await createAccount(t, { package_id: pkg.body.data.id });
    const refused = await t.call('DELETE', `/api/v1/packages/${pkg.body.data.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error, 'conflict');
    assert.equal(await countRows(t, 'packages', 'id = ?', [pkg.body.data.id]), 1);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${account.id}`)).status, 204);
    assert.equal((await t.call('DELETE', `/api/v1/packages/${pkg.body.data.id}`)).status, 204);
  });

  test('scopes: accounts:read may read, not write', async () => {
    const reader = await t.createToken(['accounts:read']);
    assert.equal((await t.call('GET', '/api/v1/accounts', { token: reader })).status, 200);
    const denied = await t.call('POST', '/api/v1/accounts', { token: reader, body: accountBody() });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'forbidden');
    assert.equal((await t.call('GET', '/api/v1/accounts', { token: null })).status, 401);
  });
});
