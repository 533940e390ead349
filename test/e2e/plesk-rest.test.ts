import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { generateOpenApiJson } from '../../src/platform/openapi/generate';
import { countRows } from '../support/accounts';
import { basic, OVERSIZE_BODY, untilRateLimited, withInvalidLicence } from '../support/plesk';
import { CallResult, startTestApp, TestApp } from '../support/test-app';

const CLIENT_KEYS = ['company', 'created', 'description', 'email', 'external_id', 'guid', 'id', 'locale', 'login', 'name', 'owner_login', 'status', 'type'];
const DOMAIN_KEYS = ['aliases', 'ascii_name', 'base_domain_id', 'created', 'guid', 'hosting_type', 'id', 'name', 'server_id', 'server_name', 'www_root'];
const STATISTICS_KEYS = [
  'active_domains',
  'databases',
  'disk_space',
  'email_postboxes',
  'email_redirects',
  'email_response_messages',
  'mailing_lists',
  'subdomains',
  'traffic',
  'traffic_prevday',
];

describe('Plesk REST v2 (/api/v2, Plesk dialect)', () => {
  let t: TestApp;
  /** What plesk-node and the Laravel module send: `Authorization: Basic base64(admin:<password>)`, the password a token. */
  let auth: string;
  const rest = (method: string, url: string, options: { body?: unknown; headers?: Record<string, string>; rawBody?: string } = {}) =>
    t.call(method, url, { token: null, body: options.body, rawBody: options.rawBody, headers: options.headers ?? { authorization: auth } });
  const errorBody = (r: CallResult, status: number) => {
    assert.equal(r.status, status, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['code', 'message']);
    assert.equal(r.body.code, status);
    assert.equal(typeof r.body.message, 'string');
  };

  before(async () => {
    t = await startTestApp();
    auth = basic(await t.createToken(['clients:write', 'accounts:write'], 'plesk-rest'));
  });
  after(() => t.close());

  test('a client flow as plesk-node and the Laravel module call it: Basic auth, trailing slashes, create, list, domain, suspend, activate, password, delete', async () => {
    // plesk-node: POST /clients/ with a 32-character generated password; reads id and guid.
    const password = 'Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!';
    const created = await rest('POST', '/api/v2/clients/', {
      body: {
        name: 'Jane Roe',
        login: 'janeroe',
        email: 'jane@example.net',
        password,
        type: 'customer',
        owner_login: 'admin',
        locale: 'en-US',
        status: 0,
        external_id: 'billing:1001',
        company: '',
        description: '',
      },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), ['guid', 'id']);
    assert.equal(typeof created.body.id, 'number');
    const { id, guid } = created.body;

    // GET /clients → a bare array; clients find theirs by email.
    const list = await rest('GET', '/api/v2/clients/');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    const mine = list.body.find((c: { email: string }) => c.email === 'jane@example.net');
    assert.deepEqual(Object.keys(mine).sort(), CLIENT_KEYS);
    assert.deepEqual(
      { ...mine, created: undefined },
      {
        id,
        guid,
        created: undefined,
        name: 'Jane Roe',
        company: '',
        login: 'janeroe',
        status: 0,
        email: 'jane@example.net',
        locale: 'en-US',
        owner_login: 'admin',
        external_id: 'billing:1001',
        description: '',
        type: 'customer',
      },
    );
    assert.match(mine.created, /^\d{4}-\d\d-\d\d$/);
    assert.deepEqual((await rest('GET', `/api/v2/clients/${id}`)).body, mine);
    assert.deepEqual((await rest('GET', `/api/v2/clients/${guid}/`)).body, mine);

    // The same row natively and in the reseller dialect.
    const native = await t.call('GET', `/api/v1/clients/${id}`);
    assert.equal(native.body.data.guid, guid);
    assert.equal(native.body.data.external_id, 'billing:1001');
    const reseller = await t.call('GET', `/API/plesk/clients/${guid}`);
    assert.equal(reseller.body.data.plesk_client_id, String(id));

    // plesk-node: POST /domains with owner_client built from the create answer.
    const domain = await rest('POST', '/api/v2/domains/', {
      body: {
        name: 'example.org',
        hosting_type: 'virtual',
        hosting_settings: { ftp_login: 'janeroe', ftp_password: 'ftp-password-1' },
        owner_client: { id, login: 'janeroe', guid, external_id: '' },
        ip_addresses: ['192.0.2.10'],
        ipv4: ['192.0.2.10'],
        plan: { name: 'default' },
      },
    });
    assert.equal(domain.status, 201, domain.text);
    assert.deepEqual(Object.keys(domain.body).sort(), ['guid', 'id']);
    const [account] = await t.get(DataSource).query('SELECT id, guid, username, domain, email, client_id, status FROM accounts WHERE guid = ?', [domain.body.guid]);
    assert.deepEqual(
      { id: Number(account.id), username: account.username, domain: account.domain, email: account.email, client_id: Number(account.client_id), status: account.status },
      { id: domain.body.id, username: 'janeroe', domain: 'example.org', email: 'jane@example.net', client_id: id, status: 'active' },
    );
    const domains = await rest('GET', `/api/v2/clients/${id}/domains`);
    assert.equal(domains.status, 200);
    assert.equal(domains.body.length, 1);
    assert.deepEqual(Object.keys(domains.body[0]).sort(), DOMAIN_KEYS);
    assert.deepEqual(
      { ...domains.body[0], created: undefined },
      {
        id: domain.body.id,
        name: 'example.org',
        ascii_name: 'example.org',
        hosting_type: 'virtual',
        base_domain_id: 0,
        www_root: '/home/janeroe/example.org/public_html',
        guid: domain.body.guid,
        created: undefined,
        aliases: [],
        server_id: 1,
        server_name: 'server-1',
      },
    );
    const stats = await rest('GET', `/api/v2/clients/${id}/statistics`);
    assert.deepEqual(Object.keys(stats.body).sort(), STATISTICS_KEYS);
    assert.ok(Object.values(stats.body).every(Number.isInteger));
    assert.equal(stats.body.active_domains, 1);

    // Suspend / activate: PUT with no body, tested for status == "success"; retried by billing systems.
    const accountStatus = async () => (await t.get(DataSource).query('SELECT status FROM accounts WHERE id = ?', [domain.body.id]))[0].status;
    for (let i = 0; i < 2; i++) {
      const r = await rest('PUT', `/api/v2/clients/${id}/suspend`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { status: 'success' });
      assert.equal((await rest('GET', `/api/v2/clients/${id}`)).body.status, 16);
      assert.equal(await accountStatus(), 'suspended');
    }
    assert.equal((await rest('GET', `/api/v2/clients/${id}/statistics`)).body.active_domains, 0);
    for (let i = 0; i < 2; i++) {
      const r = await rest('PUT', `/api/v2/clients/${id}/activate/`);
      assert.deepEqual(r.body, { status: 'success' });
      assert.equal((await rest('GET', `/api/v2/clients/${id}`)).body.status, 0);
      assert.equal(await accountStatus(), 'active');
    }
    // An account suspended for its own reason stays suspended when the client is activated.
    assert.equal((await t.call('POST', `/api/v1/accounts/${domain.body.id}/suspend`, { body: { reason: 'Overdue invoice #7' } })).status, 200);
    await rest('PUT', `/api/v2/clients/${id}/suspend`);
    await rest('PUT', `/api/v2/clients/${id}/activate`);
    assert.equal(await accountStatus(), 'suspended');
    assert.equal((await t.call('POST', `/api/v1/accounts/${domain.body.id}/unsuspend`)).status, 200);

    // Laravel: PUT with only the password; success is "guid in the body".
    const [before] = await t.get(DataSource).query('SELECT password_hash FROM clients WHERE id = ?', [id]);
    const changed = await rest('PUT', `/api/v2/clients/${id}`, { body: { password: 'another-long-password-of-40-characters!!' } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(changed.body, { id, guid });
    const [afterChange] = await t.get(DataSource).query('SELECT password_hash, name FROM clients WHERE id = ?', [id]);
    assert.notEqual(afterChange.password_hash, before.password_hash);
    assert.equal(afterChange.name, 'Jane Roe');
    // status 16 / 0 in PUT is the other way to suspend and activate.
    assert.deepEqual((await rest('PUT', `/api/v2/clients/${id}`, { body: { status: 16 } })).body, { id, guid });
    assert.equal(await accountStatus(), 'suspended');
    assert.deepEqual((await rest('PUT', `/api/v2/clients/${id}/`, { body: { status: 0, company: 'Roe Ltd' } })).body, { id, guid });
    assert.equal(await accountStatus(), 'active');
    assert.equal((await rest('GET', `/api/v2/clients/${id}`)).body.company, 'Roe Ltd');

    // Laravel's terminate: DELETE must answer the guid; the account is deprovisioned for real.
    const deleted = await rest('DELETE', `/api/v2/clients/${id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(deleted.body, { id, guid });
    assert.equal(await countRows(t, 'accounts', 'guid = ?', [domain.body.guid]), 0);
    assert.equal(await countRows(t, 'clients', 'id = ?', [id]), 0);
    errorBody(await rest('GET', `/api/v2/clients/${id}`), 404);
    errorBody(await rest('DELETE', `/api/v2/clients/${id}`), 404);
  });

  test('authentication: X-API-Key, Basic (any non-empty login), both at once with one token; 401 otherwise, in {code, message}', async () => {
    const token = await t.createToken(['clients:read'], 'reader');
    const ok: Record<string, string>[] = [{ 'X-API-Key': token }, { authorization: basic(token, 'root') }, { authorization: basic(token), 'X-API-Key': token }];
    for (const headers of ok) assert.equal((await rest('GET', '/api/v2/clients', { headers })).status, 200, JSON.stringify(headers));
    // passport-http wants a non-empty login (any value); the password is what counts.
    const refused: Record<string, string>[] = [
      {},
      { authorization: basic(token, '') },
      { authorization: basic('hw_wrong') },
      { authorization: 'Basic !!!' },
      { 'X-API-Key': 'hw_wrong' },
      { authorization: basic('hw_wrong'), 'X-API-Key': 'hw_wrong' },
      // Both at once must both be right: a wrong one beside a right one is refused, either way round.
      { authorization: basic(token), 'x-api-key': 'hw_wrong' },
      { authorization: basic('hw_wrong'), 'X-API-Key': token },
    ];
    for (const headers of refused) errorBody(await rest('GET', '/api/v2/clients/', { headers }), 401);
    // Scopes hold in this dialect too.
    errorBody(
      await rest('POST', '/api/v2/clients', {
        headers: { authorization: basic(token) },
        body: { name: 'x', login: 'scoped', email: 's@example.com', password: 'long-enough', type: 'customer' },
      }),
      403,
    );
  });

  test("auth keys: POST → 201 {key} with the caller's scopes; the key works; DELETE → {status: success}, then 401 and 404", async () => {
    const admin = await t.createToken(['tokens:admin', 'clients:read'], 'key-admin');
    const minted = await rest('POST', '/api/v2/auth/keys/', { headers: { authorization: basic(admin) }, body: {} });
    assert.equal(minted.status, 201, minted.text);
    assert.deepEqual(Object.keys(minted.body), ['key']);
    const key = minted.body.key;
    assert.equal((await rest('GET', '/api/v2/clients', { headers: { 'X-API-Key': key } })).status, 200);
    const [row] = await t.get(DataSource).query('SELECT name, scopes, revoked_at FROM api_tokens ORDER BY id DESC LIMIT 1');
    assert.deepEqual({ name: row.name, scopes: row.scopes, revoked: row.revoked_at }, { name: 'plesk-rest-key', scopes: 'tokens:admin,clients:read', revoked: null });
    const described = await rest('POST', '/api/v2/auth/keys', {
      headers: { 'X-API-Key': admin },
      body: { ip: '192.0.2.1', ips: ['192.0.2.1'], login: 'admin', description: 'WHMCS <prod>' },
    });
    assert.equal(described.status, 201);
    assert.equal((await t.get(DataSource).query('SELECT name FROM api_tokens ORDER BY id DESC LIMIT 1'))[0].name, 'WHMCS prod');

    const revoked = await rest('DELETE', `/api/v2/auth/keys/${key}`, { headers: { authorization: basic(admin) } });
    assert.equal(revoked.status, 200, revoked.text);
    assert.deepEqual(revoked.body, { status: 'success' });
    errorBody(await rest('GET', '/api/v2/clients', { headers: { 'X-API-Key': key } }), 401);
    errorBody(await rest('DELETE', `/api/v2/auth/keys/${key}`, { headers: { authorization: basic(admin) } }), 404);
    // The secret never reaches the audit log.
    assert.equal(await countRows(t, 'audit_log', 'target = ?', [key]), 0);
    // Minting needs tokens:admin.
    errorBody(await rest('POST', '/api/v2/auth/keys', { body: {} }), 403);
  });

  test('errors are {code: <HTTP status>, message}: 400 login taken and invalid data, 404 id and route, 400 bad JSON, 413, 403 licence, 429', async () => {
    const body = { name: 'Dup', login: 'dup.login', email: 'dup@example.com', password: 'long-enough', type: 'customer' };
    assert.equal((await rest('POST', '/api/v2/clients', { body })).status, 201);
    const dup = await rest('POST', '/api/v2/clients', { body: { ...body, login: 'DUP.login' } });
    errorBody(dup, 400);
    assert.equal(dup.body.message, "Client with login 'DUP.login' already exists");
    // The same login in the reseller dialect stays a 409.
    assert.equal((await t.call('POST', '/API/plesk/clients/create', { body: { ...body, type: undefined } })).status, 409);

    for (const bad of [
      {},
      { ...body, login: 'other', type: 'reseller' },
      { ...body, login: 'other', status: 4 },
      { ...body, login: 'other', password: 'short' },
      { ...body, login: 'other', unknown: 1 },
    ]) {
      errorBody(await rest('POST', '/api/v2/clients', { body: bad }), 400);
    }
    const missing = await rest('POST', '/api/v2/clients', { body: {} });
    for (const field of ['name', 'login', 'email', 'password']) assert.match(missing.body.message, new RegExp(`${field} is required`));
    const domainBad = await rest('POST', '/api/v2/domains', {
      body: { name: 'bad.example.org', hosting_type: 'virtual', hosting_settings: { ftp_login: 'Bad_Login', ftp_password: 'ftp-password-1' }, plan: { name: 'nope' } },
    });
    errorBody(domainBad, 400);
    assert.match(domainBad.body.message, /hosting_settings\.ftp_login|username/);
    errorBody(
      await rest('POST', '/api/v2/domains', {
        body: { name: 'x.example.org', hosting_type: 'standard_forwarding', hosting_settings: { dest_url: 'https://a.example' }, plan: { name: 'default' } },
      }),
      400,
    );
    errorBody(
      await rest('POST', '/api/v2/domains', {
        body: {
          name: 'y.example.org',
          hosting_settings: { ftp_login: 'yftp', ftp_password: 'ftp-password-1' },
          owner_client: { login: 'nobody' },
          plan: { name: 'default' },
        },
      }),
      400,
    );
    for (const [field, value] of [
      ['base_domain', { id: 1 }],
      ['parent_domain', { name: 'example.org' }],
      ['base_domain', null],
    ] as const) {
      const refused = await rest('POST', '/api/v2/domains', {
        body: {
          name: 'z.example.org',
          hosting_type: 'virtual',
          hosting_settings: { ftp_login: 'zftp', ftp_password: 'ftp-password-1' },
          plan: { name: 'default' },
          [field]: value,
        },
      });
      errorBody(refused, 400);
      assert.match(refused.body.message, new RegExp(`${field} is not supported`));
    }
    assert.equal(await countRows(t, 'accounts', "domain IN ('bad.example.org', 'x.example.org', 'y.example.org', 'z.example.org')"), 0);

    for (const url of [
      '/api/v2/clients/999999',
      '/api/v2/clients/5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70',
      '/api/v2/clients/abc',
      '/api/v2/clients/999999/domains',
      '/api/v2/clients/999999/statistics',
      '/api/v2/nothing',
    ]) {
      errorBody(await rest('GET', url), 404);
    }
    errorBody(await rest('PUT', '/api/v2/clients/999999/suspend'), 404);
    errorBody(await rest('PUT', '/api/v2/clients/999999', { body: { password: 'long-enough' } }), 404);
    errorBody(await rest('POST', '/api/v2/clients', { rawBody: '{"name": ' }), 400);
    errorBody(await rest('POST', '/api/v2/clients', { rawBody: OVERSIZE_BODY }), 413);

    await withInvalidLicence(t, async () => {
      const r = await rest('POST', '/api/v2/clients', { body: { ...body, login: 'licensed' } });
      errorBody(r, 403);
      assert.match(r.body.message, /licen/i);
      errorBody(await rest('PUT', '/api/v2/clients/1/suspend'), 403);
      assert.equal((await rest('GET', '/api/v2/clients')).status, 200);
    });
    assert.equal(await countRows(t, 'clients', 'login = ?', ['licensed']), 0);

    const limited = basic(await t.createToken(['clients:read'], 'limited'));
    const r = await untilRateLimited(() => rest('GET', '/api/v2/clients/999999', { headers: { authorization: limited } }));
    errorBody(r, 429);
  });

  test('OpenAPI: the adapter under its own tags beside the native API; Basic is a declared scheme', async () => {
    const doc = JSON.parse(await generateOpenApiJson());
    assert.deepEqual(doc.paths['/API/plesk/clients/create'].post.tags, ['Plesk reseller API']);
    assert.deepEqual(doc.paths['/API/orders/create_order_plesk'].post.tags, ['Plesk reseller API']);
    assert.deepEqual(doc.paths['/api/v2/clients'].get.tags, ['Plesk REST v2']);
    assert.deepEqual(doc.paths['/api/v2/clients/{id}/suspend'].put.security, [{ bearer: [] }, { 'api-key': [] }, { timestamp: [], signature: [] }, { basic: [] }]);
    assert.deepEqual(doc.paths['/api/v1/clients'].get.tags, ['Clients']);
    assert.equal(doc.components.securitySchemes.basic.scheme, 'basic');
  });
});
