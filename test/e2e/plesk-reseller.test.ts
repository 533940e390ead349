import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { countRows } from '../support/accounts';
import { OVERSIZE_BODY, untilRateLimited, withInvalidLicence } from '../support/plesk';
import { startTestApp, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SEED_DATA_KEYS = ['company', 'email', 'id', 'login', 'name', 'plesk_client_id'];

describe('Plesk reseller API (/API/…, 0xhost dialect)', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  /** Calls with x-api-key (the dialect's header), never a Bearer token. */
  const api = (method: string, url: string, options: { body?: unknown; key?: string | null; rawBody?: string } = {}) =>
    t.call(method, url, { token: null, body: options.body, rawBody: options.rawBody, headers: options.key === null ? {} : { 'x-api-key': options.key ?? key } });

  before(async () => {
    t = await startTestApp();
    key = await t.createToken(['clients:write', 'accounts:write'], 'reseller');
    base = t.baseUrl;
  });
  after(() => t.close());

  test("seed 004: the JavaScript fetch example, unmodified but for URL and key → 200 with the seed's shape; the same row natively", async () => {
    // --- the seed's code, verbatim except the URL and the key ---
    async function makeRequest() {
      try {
        const response = await fetch(`${base}/API/plesk/clients/create`, {
          method: 'POST',
          headers: {
            'x-api-key': key,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            name: 'John Doe',
            login: 'johndoe',
            email: 'john@example.com',
            password: 'SecurePass123',
            company: 'ACME Corp',
          }),
        });
        const data = await response.json();
        console.log('Response:', data);
        return data;
      } catch (error) {
        console.error('Error:', error);
      }
    }
    // --- end of the seed's code ---
    const data = (await makeRequest()) as any;
    assert.equal(data.success, true);
    assert.equal(data.message, 'Client created successfully');
    assert.deepEqual(Object.keys(data.data).sort(), SEED_DATA_KEYS);
    assert.match(data.data.id, UUID);
    assert.match(data.data.plesk_client_id, /^[1-9]\d*$/);
    assert.deepEqual(
      { ...data.data, id: undefined, plesk_client_id: undefined },
      { id: undefined, plesk_client_id: undefined, name: 'John Doe', login: 'johndoe', email: 'john@example.com', company: 'ACME Corp' },
    );
    assert.ok(!JSON.stringify(data).includes('SecurePass123'));

    // The status the vendor's Python sample insists on, through a real socket too.
    const again = await fetch(`${base}/API/plesk/clients/${data.data.id}`, { headers: { 'x-api-key': key } });
    assert.equal(again.status, 200);

    // One row, visible in every dialect under both ids.
    const native = await t.call('GET', `/api/v1/clients/${data.data.plesk_client_id}`);
    assert.equal(native.status, 200);
    assert.equal(native.body.data.guid, data.data.id);
    assert.equal(native.body.data.login, 'johndoe');
    const rest = await t.call('GET', `/api/v2/clients/${data.data.plesk_client_id}`);
    assert.equal(rest.body.guid, data.data.id);
    const [row] = await t.get(DataSource).query('SELECT id, guid, password_hash FROM clients WHERE login = ?', ['johndoe']);
    assert.equal(String(row.id), data.data.plesk_client_id);
    assert.equal(row.guid, data.data.id);
    assert.match(row.password_hash, /^\$argon2id\$/);

    // Extension: delete it (by UUID), so the curl example can create the same login.
    const deleted = await api('POST', `/API/plesk/clients/${data.data.id}/delete`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(deleted.body, { success: true, message: 'Client deleted successfully', data: { id: data.data.id, plesk_client_id: data.data.plesk_client_id } });
    assert.equal(await countRows(t, 'clients', 'login = ?', ['johndoe']), 0);
  });

  test('seed 004: the cURL command, unmodified but for URL and key → 200; repeated → 409 login taken in the envelope', async () => {
    const command = `curl -X POST \\
'${base}/API/plesk/clients/create' \\
-H 'x-api-key: ${key}' \\
-H 'Content-Type: application/json' \\
-d '{ "name": "John Doe", "login": "johndoe", "email": "john@example.com", "password": "SecurePass123", "company": "ACME Corp"}'`;
    // Asynchronously: the app answers from this very process.
    const run = () => promisify(execFile)('bash', ['-c', `${command} -s -w '\\n%{http_code}'`], { encoding: 'utf8' });
    const first = await run();
    const [body, code] = first.stdout.trimEnd().split('\n');
    assert.equal(code, '200');
    const parsed = JSON.parse(body);
    assert.equal(parsed.success, true);
    assert.deepEqual(Object.keys(parsed.data).sort(), SEED_DATA_KEYS);
    assert.equal(parsed.data.login, 'johndoe');

    const second = await run();
    const [dupBody, dupCode] = second.stdout.trimEnd().split('\n');
    assert.equal(dupCode, '409');
    assert.deepEqual(JSON.parse(dupBody), { success: false, message: 'A client with login johndoe already exists', errors: { login: ['login is already taken'] } });
  });

  test('errors keep the envelope: 401, 403 scope, 404 id and route, 422 fields, 400 bad JSON, 413', async () => {
    const body = { name: 'N', login: 'errs', email: 'e@example.com', password: 'long-enough' };
    const envelope = (r: { body: Record<string, unknown> }, keys = ['message', 'success']) => {
      assert.deepEqual(Object.keys(r.body).sort(), keys);
      assert.equal(r.body.success, false);
      assert.equal(typeof r.body.message, 'string');
    };
    for (const k of [null, 'hw_unknown', '']) {
      const r = await api('POST', '/API/plesk/clients/create', { body, key: k });
      assert.equal(r.status, 401, String(k));
      envelope(r);
    }
    const readOnly = await t.createToken(['clients:read']);
    const forbidden = await api('POST', '/API/plesk/clients/create', { body, key: readOnly });
    assert.equal(forbidden.status, 403);
    envelope(forbidden);
    assert.match(forbidden.body.message as string, /clients:write/);

    for (const url of [
      '/API/plesk/clients/999999',
      '/API/plesk/clients/5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70',
      '/API/plesk/clients/not-an-id',
      '/API/plesk/nothing',
      '/API/plesk/subscriptions/detail?id=999999',
    ]) {
      const r = await api('GET', url);
      assert.equal(r.status, 404, url);
      envelope(r);
    }
    assert.equal((await api('POST', '/API/plesk/clients/999999/suspend')).status, 404);

    const invalid = await api('POST', '/API/plesk/clients/create', { body: { name: '', login: 'a b', email: 'nope', password: 'short', extra: 1 } });
    assert.equal(invalid.status, 422);
    envelope(invalid, ['errors', 'message', 'success']);
    assert.deepEqual(Object.keys(invalid.body.errors).sort(), ['email', 'extra', 'login', 'name', 'password']);
    assert.ok(invalid.body.errors.login.every((m: unknown) => typeof m === 'string'));
    const missing = await api('POST', '/API/plesk/clients/create', { body: {} });
    assert.equal(missing.status, 422);
    assert.deepEqual(Object.keys(missing.body.errors).sort(), ['email', 'login', 'name', 'password']);

    const badJson = await api('POST', '/API/plesk/clients/create', { rawBody: '{"name": ' });
    assert.equal(badJson.status, 400);
    envelope(badJson);
    const big = await api('POST', '/API/plesk/clients/create', { rawBody: OVERSIZE_BODY });
    assert.equal(big.status, 413);
    envelope(big);
    assert.equal(await countRows(t, 'clients', 'login = ?', ['errs']), 0);
  });

  test('403 license_required while the licence is invalid: writes refused in the envelope, reads still answer', async () => {
    await withInvalidLicence(t, async () => {
      const r = await api('POST', '/API/plesk/clients/create', { body: { name: 'L', login: 'licensed', email: 'l@example.com', password: 'long-enough' } });
      assert.equal(r.status, 403);
      assert.deepEqual(Object.keys(r.body).sort(), ['message', 'success']);
      assert.equal(r.body.success, false);
      assert.match(r.body.message, /licen/i);
      assert.equal((await api('GET', '/API/plesk/clients')).status, 200);
      const anonymous = await api('POST', '/API/plesk/clients/create', { body: {}, key: null });
      assert.equal(anonymous.status, 401);
    });
    assert.equal(await countRows(t, 'clients', 'login = ?', ['licensed']), 0);
  });

  test('extensions: list, get by UUID or numeric id, update, suspend/unsuspend (idempotent, cascading), delete with its subscriptions', async () => {
    const created = await api('POST', '/API/plesk/clients/create', {
      body: { name: 'Ext Client', login: 'ext.client', email: 'ext@example.com', password: 'long-enough', external_id: 'billing-9' },
    });
    assert.equal(created.status, 200, created.text);
    const { id: guid, plesk_client_id: numeric } = created.body.data;
    assert.equal(created.body.data.company, null);

    const list = await api('GET', '/API/plesk/clients?external_id=billing-9');
    assert.equal(list.status, 200);
    assert.equal(list.body.success, true);
    assert.deepEqual(
      list.body.data.map((c: { id: string }) => c.id),
      [guid],
    );
    assert.deepEqual(Object.keys(list.body.meta).sort(), ['limit', 'next_cursor']);
    const one = list.body.data[0];
    assert.deepEqual(Object.keys(one).sort(), ['company', 'created_at', 'email', 'external_id', 'id', 'login', 'name', 'plesk_client_id', 'status']);
    assert.match(one.created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const byGuid = await api('GET', `/API/plesk/clients/${guid}`);
    const byNumber = await api('GET', `/API/plesk/clients/${numeric}/`);
    assert.equal(byGuid.status, 200);
    assert.deepEqual(byNumber.body, byGuid.body);
    assert.equal(byGuid.body.data.status, 'active');

    const updated = await api('POST', `/API/plesk/clients/${numeric}/update`, { body: { company: 'Ext Ltd', password: 'a-new-long-password' } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.message, 'Client updated successfully');
    assert.equal(updated.body.data.company, 'Ext Ltd');
    const taken = await api('POST', `/API/plesk/clients/${numeric}/update`, { body: { login: 'johndoe' } });
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.body.errors, { login: ['login is already taken'] });

    const order = await api('POST', '/API/orders/create_order_plesk', {
      body: {
        plan_id: 'default',
        client_id: guid,
        domain_name: 'ext-client.example.org',
        ftp_login: 'extftp',
        ftp_password: 'ftp-password-1',
        subscription_duration: 1,
        type_payment: 'balance',
      },
    });
    assert.equal(order.status, 200, order.text);
    for (let i = 0; i < 2; i++) {
      const r = await api('POST', `/API/plesk/clients/${guid}/suspend`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.data.status, 'suspended');
    }
    const [suspended] = await t.get(DataSource).query('SELECT status FROM accounts WHERE username = ?', ['extftp']);
    assert.equal(suspended.status, 'suspended');
    for (let i = 0; i < 2; i++) {
      const r = await api('POST', `/API/plesk/clients/${numeric}/unsuspend`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.data.status, 'active');
    }
    const [active] = await t.get(DataSource).query('SELECT status FROM accounts WHERE username = ?', ['extftp']);
    assert.equal(active.status, 'active');

    const deleted = await api('POST', `/API/plesk/clients/${numeric}/delete`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal(await countRows(t, 'accounts', 'username = ?', ['extftp']), 0);
    assert.equal(await countRows(t, 'clients', 'guid = ?', [guid]), 0);
    assert.equal((await api('GET', `/API/plesk/clients/${guid}`)).status, 404);
  });

  test('orders: create_order_plesk (payment fields ignored) → an account; subscriptions/detail; create_order_scale_plesk changes the package', async () => {
    const client = (
      await api('POST', '/API/plesk/clients/create', {
        body: { name: 'Jane Roe', login: 'janeroe', email: 'jane@example.net', password: 'long-enough', company: 'Roe Ltd' },
      })
    ).body.data;
    const business = await t.call('POST', '/api/v1/packages', {
      body: { name: 'business', disk_quota_mb: 4096, bandwidth_mb: 8192, max_domains: 5, max_databases: 5, max_email_accounts: 10, php_version: '8.2' },
    });
    assert.equal(business.status, 201, business.text);

    const order = await api('POST', '/API/orders/create_order_plesk', {
      body: {
        plan_id: '1',
        client_id: client.plesk_client_id,
        domain_name: 'example.org',
        ftp_login: 'exampleftp',
        ftp_password: 'ftp-password-1',
        subscription_duration: 3,
        type_payment: 'crypto',
      },
    });
    assert.equal(order.status, 200, order.text);
    assert.deepEqual(Object.keys(order.body).sort(), ['balance_after', 'message', 'order', 'subscription', 'success']);
    assert.equal(order.body.message, 'Plesk order created successfully');
    assert.deepEqual(Object.keys(order.body.order).sort(), ['amount', 'created_at', 'currency', 'id', 'order_number', 'status']);
    assert.match(order.body.order.order_number, /^PLK_\d{8}_\d{6}$/);
    const sub = order.body.subscription;
    assert.deepEqual({ ...sub, id: undefined }, { id: undefined, domain_name: 'example.org', status: 'active', expires_at: null, server_id: 1, server_name: 'server-1' });
    const [row] = await t.get(DataSource).query('SELECT id, guid, username, domain, email, client_id, package_id, status FROM accounts WHERE guid = ?', [sub.id]);
    assert.deepEqual(
      { username: row.username, domain: row.domain, email: row.email, client_id: String(row.client_id), package_id: Number(row.package_id), status: row.status },
      { username: 'exampleftp', domain: 'example.org', email: 'jane@example.net', client_id: client.plesk_client_id, package_id: 1, status: 'active' },
    );
    // The same account natively.
    assert.equal((await t.call('GET', `/api/v1/accounts/${row.id}`)).body.data.guid, sub.id);

    for (const id of [sub.id, String(row.id)]) {
      const detail = await api('GET', `/API/plesk/subscriptions/detail?id=${id}`);
      assert.equal(detail.status, 200, detail.text);
      assert.equal(detail.body.success, true);
      assert.deepEqual(Object.keys(detail.body.subscription).sort(), [
        'auto_renew',
        'client_id',
        'client_name',
        'created_at',
        'domain_name',
        'expires_at',
        'ftp_username',
        'id',
        'plan_name',
        'price',
        'server_id',
        'server_name',
        'status',
      ]);
      assert.equal(detail.body.subscription.client_id, client.id);
      assert.equal(detail.body.subscription.client_name, 'Jane Roe');
      assert.equal(detail.body.subscription.server_name, 'server-1');
      assert.equal(detail.body.subscription.plan_name, 'default');
      assert.equal(detail.body.subscription.ftp_username, 'exampleftp');
      assert.equal(detail.body.orders.length, 1);
    }

    const scaled = await api('POST', '/API/orders/create_order_scale_plesk', {
      body: { subscription_id: sub.id, new_plan_id: 'business', months: 1, type_payment: 'balance' },
    });
    assert.equal(scaled.status, 200, scaled.text);
    assert.equal(scaled.body.message, 'Subscription renewed successfully');
    assert.deepEqual(scaled.body.subscription, { id: sub.id, domain_name: 'example.org', plan_name: 'business', new_expires_at: null, months_added: 1 });
    const [moved] = await t.get(DataSource).query('SELECT package_id FROM accounts WHERE guid = ?', [sub.id]);
    assert.equal(Number(moved.package_id), business.body.data.id);
    const renewOnly = await api('POST', '/API/orders/create_order_scale_plesk', { body: { subscription_id: sub.id, months: 2, type_payment: 'balance' } });
    assert.equal(renewOnly.status, 200);
    assert.equal(renewOnly.body.subscription.plan_name, 'business');

    // Refusals name the order's fields.
    const dup = await api('POST', '/API/orders/create_order_plesk', {
      body: { plan_id: 1, client_id: client.id, domain_name: 'example.org', ftp_login: 'otherftp', ftp_password: 'ftp-password-1' },
    });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body.errors, { domain_name: ['domain_name is already taken'] });
    const bad = await api('POST', '/API/orders/create_order_plesk', {
      body: { plan_id: 'nope', client_id: client.id, domain_name: 'fresh.example.org', ftp_login: 'Bad_Login', ftp_password: 'x' },
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys(bad.body.errors).sort(), ['ftp_login', 'ftp_password']);
    const noPlan = await api('POST', '/API/orders/create_order_plesk', {
      body: { plan_id: 'nope', client_id: client.id, domain_name: 'fresh.example.org', ftp_login: 'freshftp', ftp_password: 'ftp-password-1' },
    });
    assert.equal(noPlan.status, 422);
    assert.deepEqual(Object.keys(noPlan.body.errors), ['plan_id']);
    const noClient = await api('POST', '/API/orders/create_order_plesk', {
      body: { plan_id: 1, client_id: '999999', domain_name: 'fresh.example.org', ftp_login: 'freshftp', ftp_password: 'ftp-password-1' },
    });
    assert.equal(noClient.status, 422);
    assert.deepEqual(Object.keys(noClient.body.errors), ['client_id']);
    assert.equal(await countRows(t, 'accounts', 'username = ?', ['freshftp']), 0);
    const unknownSub = await api('POST', '/API/orders/create_order_scale_plesk', { body: { subscription_id: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42', months: 1 } });
    assert.equal(unknownSub.status, 404);
    assert.equal(unknownSub.body.success, false);
  });

  test('429 comes in the envelope too', async () => {
    const limitedKey = await t.createToken(['clients:read'], 'limited');
    const r = await untilRateLimited(() => api('GET', '/API/plesk/clients/999999', { key: limitedKey }));
    assert.deepEqual(Object.keys(r.body).sort(), ['message', 'success']);
    assert.equal(r.body.success, false);
    assert.ok(r.headers['retry-after']);
  });
});
