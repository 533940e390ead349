import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountBody, countRows } from '../support/accounts';
import { basic } from '../support/plesk';
import { signedHeaders } from '../support/signing';
import { startTestApp, TestApp } from '../support/test-app';

describe('credentials: where a token may travel', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('a token in the query string (?access_token=) is not a credential, on every dialect', async () => {
    const token = encodeURIComponent(t.adminToken);
    for (const url of [
      `/api/v1/packages?access_token=${token}`,
      `/api/packages?access_token=${token}`,
      `/API/plesk/clients?access_token=${token}`,
      `/api/v2/clients?access_token=${token}`,
    ]) {
      const r = await t.call('GET', url, { token: null });
      assert.equal(r.status, 401, `${url}: ${r.text}`);
    }
  });

  test('a token in the body (access_token) is not a credential: a reseller suspend so sent suspends nothing', async () => {
    const client = await t.call('POST', '/API/plesk/clients/create', {
      body: { name: 'Body Token', login: 'bodytoken', email: 'bt@example.com', password: 'SecurePass123' },
    });
    assert.equal(client.status, 200, client.text);
    const id = client.body.data.id;
    const viaBody = await t.call('POST', `/API/plesk/clients/${id}/suspend`, { token: null, body: { access_token: t.adminToken } });
    assert.equal(viaBody.status, 401, viaBody.text);
    const viaQuery = await t.call('POST', `/API/plesk/clients/${id}/suspend?access_token=${encodeURIComponent(t.adminToken)}`, { token: null });
    assert.equal(viaQuery.status, 401, viaQuery.text);
    assert.equal((await t.call('GET', `/API/plesk/clients/${id}`)).body.data.status, 'active');

    const created = await t.call('POST', '/api/v1/accounts', { token: null, body: { ...accountBody(), access_token: t.adminToken } });
    assert.equal(created.status, 401, created.text);
    const v2 = await t.call('POST', '/api/v2/clients', {
      token: null,
      body: { name: 'Form', login: 'formtoken', email: 'ft@example.com', password: 'long-enough', access_token: t.adminToken },
    });
    assert.equal(v2.status, 401, v2.text);
    assert.equal(await countRows(t, 'clients', 'login = ?', ['formtoken']), 0);
  });

  test('a form body carrying access_token is refused without acting on it', async () => {
    const r = await t.call('POST', '/api/v1/packages', {
      token: null,
      rawBody: `access_token=${encodeURIComponent(t.adminToken)}&name=form`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.ok(r.status === 401 || r.status === 415, `${r.status}: ${r.text}`);
    assert.equal(await countRows(t, 'packages', 'name = ?', ['form']), 0);
  });

  test('each header credential still works on its own: Bearer, x-api-key, Basic on REST v2, a signature', async () => {
    const signer = (await t.call('POST', '/api/v1/tokens', { body: { name: 'signer', scopes: ['*'], can_sign: true } })).body.data.token;
    assert.equal((await t.call('GET', '/api/v1/packages', { token: null, headers: { authorization: `Bearer ${t.adminToken}` } })).status, 200);
    assert.equal(
      (await t.call('GET', '/api/v1/packages', { token: null, headers: { authorization: `bearer ${t.adminToken}` } })).status,
      200,
      'the scheme is case-insensitive',
    );
    assert.equal((await t.call('GET', '/api/v1/packages', { token: null, headers: { 'x-api-key': t.adminToken } })).status, 200);
    assert.equal((await t.call('GET', '/api/v2/clients', { token: null, headers: { authorization: basic(t.adminToken) } })).status, 200);
    assert.equal((await t.call('GET', '/api/v1/packages', { token: null, headers: signedHeaders(signer, '{}', Math.floor(Date.now() / 1000) - 3) })).status, 200);
  });
});

describe('credentials: a request carrying several must be right in each, and name one token', () => {
  let t: TestApp;
  let other: string;
  let signer: string;
  const now = () => Math.floor(Date.now() / 1000);
  const status = async (url: string, headers: Record<string, string>) => (await t.call('GET', url, { token: null, headers })).status;
  before(async () => {
    t = await startTestApp();
    other = await t.createToken(['*'], 'other');
    signer = (await t.call('POST', '/api/v1/tokens', { body: { name: 'signer', scopes: ['*'], can_sign: true } })).body.data.token;
  });
  after(() => t.close());

  test('a wrong Bearer beside a right x-api-key, and the reverse → 401; the same token twice → 200', async () => {
    const bearer = (token: string) => `Bearer ${token}`;
    for (const url of ['/api/v1/packages', '/API/plesk/clients', '/api/v2/clients']) {
      assert.equal(await status(url, { authorization: bearer('hw_wrong'), 'x-api-key': t.adminToken }), 401, `${url}: wrong Bearer, right key`);
      assert.equal(await status(url, { authorization: bearer(t.adminToken), 'x-api-key': 'hw_wrong' }), 401, `${url}: right Bearer, wrong key`);
      assert.equal(await status(url, { authorization: bearer(t.adminToken), 'x-api-key': other }), 401, `${url}: two valid tokens`);
      assert.equal(await status(url, { authorization: bearer(t.adminToken), 'x-api-key': t.adminToken }), 200, `${url}: one token, two headers`);
    }
  });

  test('REST v2: a wrong Basic password beside a right X-API-Key, and the reverse → 401', async () => {
    assert.equal(await status('/api/v2/clients', { authorization: basic('hw_wrong'), 'x-api-key': t.adminToken }), 401);
    assert.equal(await status('/api/v2/clients', { authorization: basic(t.adminToken), 'x-api-key': 'hw_wrong' }), 401);
    assert.equal(await status('/api/v2/clients', { authorization: basic(other), 'x-api-key': t.adminToken }), 401);
    assert.equal(await status('/api/v2/clients', { authorization: basic(t.adminToken), 'x-api-key': t.adminToken }), 200);
  });

  test('a signature beside a token: both must be right and the same token', async () => {
    assert.equal(await status('/api/v1/packages', { ...signedHeaders(signer, '{}', now() - 10), authorization: 'Bearer hw_wrong' }), 401);
    assert.equal(await status('/api/v1/packages', { ...signedHeaders(signer, '{}', now() - 11), 'x-api-key': t.adminToken }), 401, 'another token');
    assert.equal(await status('/api/v1/packages', { ...signedHeaders('hw_wrong', '{}', now() - 12), authorization: `Bearer ${signer}` }), 401, 'a wrong signature');
    assert.equal(await status('/api/v1/packages', { ...signedHeaders(signer, '{}', now() - 13), authorization: `Bearer ${signer}` }), 200);
  });

  test('an Authorization header the route cannot check, beside a right key → 401', async () => {
    // Basic is not a credential of native routes, so its password cannot be checked against the key.
    assert.equal(await status('/api/v1/packages', { authorization: basic(t.adminToken), 'x-api-key': t.adminToken }), 401);
    assert.equal(await status('/API/plesk/clients', { authorization: basic('hw_wrong'), 'x-api-key': t.adminToken }), 401);
    assert.equal(await status('/api/v1/packages', { authorization: `Token ${t.adminToken}`, 'x-api-key': t.adminToken }), 401);
    const r = await t.call('GET', '/api/v1/packages', { token: null, headers: { authorization: 'Bearer hw_wrong', 'x-api-key': t.adminToken } });
    assert.equal(r.body.error, 'unauthenticated');
    assert.match(r.body.message, /same token/);
  });
});

describe('minting tokens: a token grants at most the scopes it holds', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const mint = (token: string, scopes: string[]) => t.call('POST', '/api/v1/tokens', { token, body: { name: 'minted', scopes } });

  test('a tokens:admin-only token cannot create a * token, nor one that writes accounts: 403 naming what it lacks', async () => {
    const admin = await t.createToken(['tokens:admin'], 'token-admin');
    const star = await mint(admin, ['*']);
    assert.equal(star.status, 403, star.text);
    assert.equal(star.body.error, 'forbidden');
    assert.match(star.body.message, /only scopes it holds.*\*/);
    const writer = await mint(admin, ['accounts:write', 'tokens:admin']);
    assert.equal(writer.status, 403, writer.text);
    assert.match(writer.body.message, /accounts:write/);
    assert.doesNotMatch(writer.body.message, /tokens:admin/);
    assert.equal(await countRows(t, 'api_tokens', 'name = ?', ['minted']), 0);
    // Nothing it made can write accounts.
    const same = await mint(admin, ['tokens:admin']);
    assert.equal(same.status, 201, same.text);
    assert.equal((await t.call('POST', '/api/v1/accounts', { token: same.body.data.token, body: accountBody() })).status, 403);
  });

  test('what it holds it may grant, a write scope granting its read scope; * grants anything', async () => {
    const admin = await t.createToken(['tokens:admin', 'accounts:write'], 'accounts-admin');
    for (const scopes of [['accounts:write'], ['accounts:read'], ['tokens:admin', 'accounts:read']]) {
      assert.equal((await mint(admin, scopes)).status, 201, JSON.stringify(scopes));
    }
    const beyond = await mint(admin, ['accounts:read', 'packages:read', 'clients:write']);
    assert.equal(beyond.status, 403);
    assert.match(beyond.body.message, /packages:read, clients:write/);
    assert.equal((await mint(t.adminToken, ['*'])).status, 201);
  });

  test("Plesk REST v2 keys carry exactly the caller's scopes: a tokens:admin key cannot write accounts nor mint *", async () => {
    const admin = await t.createToken(['tokens:admin'], 'rest-admin');
    const minted = await t.call('POST', '/api/v2/auth/keys', { token: null, headers: { authorization: basic(admin) }, body: {} });
    assert.equal(minted.status, 201, minted.text);
    const key = minted.body.key;
    assert.equal((await t.call('POST', '/api/v1/accounts', { token: key, body: accountBody() })).status, 403);
    assert.equal((await mint(key, ['*'])).status, 403);
  });
});
