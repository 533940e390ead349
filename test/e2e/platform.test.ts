import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { basic } from '../support/plesk';
import { startTestApp, TestApp } from '../support/test-app';

describe('platform: auth, errors, health, tokens', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('Bearer and x-api-key both authenticate', async () => {
    const bearer = await t.call('GET', '/api/v1/packages');
    assert.equal(bearer.status, 200);
    const apiKey = await t.call('GET', '/api/v1/packages', { token: null, headers: { 'x-api-key': t.adminToken } });
    assert.equal(apiKey.status, 200);
    assert.deepEqual(apiKey.body, bearer.body);
  });

  test('missing, unknown and malformed tokens get 401 unauthenticated', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer hw_nope' }, { 'x-api-key': 'hw_nope' }, { authorization: 'Basic Zm9vOmJhcg==' }]) {
      const r = await t.call('GET', '/api/v1/packages', { token: null, headers });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(r.body.error, 'unauthenticated');
      assert.equal(typeof r.body.message, 'string');
    }
  });

  test('HTTP Basic with a token as password opens Plesk REST v2 only; each 401 names what its route accepts', async () => {
    const viaBasic = { authorization: basic(t.adminToken, 'x') };
    const native = await t.call('GET', '/api/v1/packages', { token: null, headers: viaBasic });
    assert.equal(native.status, 401);
    assert.equal(native.body.message, 'A valid API token is required: Authorization: Bearer <token>, x-api-key: <token>, or X-Timestamp + X-Signature');
    for (const url of ['/api/packages', '/API/plesk/clients']) assert.equal((await t.call('GET', url, { token: null, headers: viaBasic })).status, 401, url);
    assert.equal((await t.call('GET', '/api/v2/clients', { token: null, headers: viaBasic })).status, 200);
    assert.match((await t.call('GET', '/api/v2/clients', { token: null })).body.message, /, or Authorization: Basic \(any login, the token as password\)$/);
    // The reseller dialect keeps its x-api-key.
    assert.equal((await t.call('GET', '/API/plesk/clients', { token: null, headers: { 'x-api-key': t.adminToken } })).status, 200);
  });

  test('a token without the scope gets 403 forbidden; write implies read', async () => {
    const reader = await t.createToken(['packages:read']);
    assert.equal((await t.call('GET', '/api/v1/packages', { token: reader })).status, 200);
    const denied = await t.call('POST', '/api/v1/packages', { token: reader, body: { name: 'x' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'forbidden');
    const writer = await t.createToken(['packages:write']);
    assert.equal((await t.call('GET', '/api/v1/packages', { token: writer })).status, 200);
    const other = await t.createToken(['accounts:read']);
    assert.equal((await t.call('GET', '/api/v1/tokens', { token: other })).status, 403);
  });

  test('tokens API: the secret is shown once, listings never show it, revoked and expired tokens stop working', async () => {
    const created = await t.call('POST', '/api/v1/tokens', { body: { name: 'whmcs', scopes: ['accounts:write', 'packages:read'] } });
    assert.equal(created.status, 201);
    const secret: string = created.body.data.token;
    assert.match(secret, /^hw_[A-Za-z0-9_-]{43,}$/);
    assert.equal(created.body.data.prefix, secret.slice(0, 10));
    assert.deepEqual(created.body.data.scopes, ['accounts:write', 'packages:read']);
    const list = await t.call('GET', '/api/v1/tokens');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(secret), 'listing must not contain a secret');
    assert.ok(list.body.data.every((tok: Record<string, unknown>) => !('token' in tok)));
    assert.equal((await t.call('GET', '/api/v1/packages', { token: secret })).status, 200);
    const revoked = await t.call('DELETE', `/api/v1/tokens/${created.body.data.id}`);
    assert.equal(revoked.status, 204);
    assert.equal(revoked.text, '');
    assert.equal((await t.call('GET', '/api/v1/packages', { token: secret })).status, 401);
    const listed = (await t.call('GET', '/api/v1/tokens')).body.data.find((x: { id: number }) => x.id === created.body.data.id);
    assert.ok(listed.revoked_at);

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const expiring = await t.call('POST', '/api/v1/tokens', { body: { name: 'short', scopes: ['*'], expires_at: tomorrow } });
    assert.equal(expiring.status, 201);
    // Its expiry moved into the past before first use (a looked-up token is trusted for a few seconds).
    await t.get(DataSource).query('UPDATE api_tokens SET expires_at = ? WHERE id = ?', ['2001-01-01 00:00:00', expiring.body.data.id]);
    assert.equal((await t.call('GET', '/api/v1/packages', { token: expiring.body.data.token })).status, 401);
  });

  test('token create validates scopes and dates; unknown token id is 404', async () => {
    const bad = await t.call('POST', '/api/v1/tokens', { body: { name: '', scopes: ['root'], expires_at: 'tomorrow' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.details.map((d: { field: string }) => d.field).sort(), ['expires_at', 'name', 'scopes']);
    const past = await t.call('POST', '/api/v1/tokens', { body: { name: 'old', scopes: ['*'], expires_at: '2001-01-01T00:00:00Z' } });
    assert.equal(past.status, 422);
    assert.equal(past.body.details[0].field, 'expires_at');
    assert.equal((await t.call('DELETE', '/api/v1/tokens/999999')).status, 404);
    assert.equal((await t.call('DELETE', '/api/v1/tokens/abc')).status, 404);
  });

  test('wrong types and an unknown field: 422 with one detail per bad field', async () => {
    const r = await t.call('POST', '/api/v1/packages', {
      body: { name: 7, disk_quota_mb: 'lots', bandwidth_mb: 1, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2', colour: 'red' },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.error, 'validation_failed');
    const fields = r.body.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['colour', 'disk_quota_mb', 'name']);
    for (const d of r.body.details) assert.equal(typeof d.message, 'string');
  });

  test('a missing field says it is required', async () => {
    const r = await t.call('POST', '/api/v1/packages', { body: {} });
    assert.equal(r.status, 422);
    const name = r.body.details.find((d: { field: string }) => d.field === 'name');
    assert.match(name.message, /required/);
  });

  test('malformed JSON is 400 bad_request; an oversize body is 413; an unknown route is 404', async () => {
    const malformed = await t.call('POST', '/api/v1/packages', { rawBody: '{"name":' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(Object.keys(malformed.body).sort(), ['error', 'message']);
    assert.equal(malformed.body.error, 'bad_request');
    const big = await t.call('POST', '/api/v1/packages', { rawBody: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }) });
    assert.equal(big.status, 413);
    assert.equal(big.body.error, 'payload_too_large');
    const missing = await t.call('GET', '/api/v1/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
  });

  test('health reports the database without a token', async () => {
    const r = await t.call('GET', '/health', { token: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok', database: 'up' });
  });

  test('the /api aliases of /api/v1 routes are served, and the explorer lists each route once', async () => {
    assert.equal((await t.call('GET', '/api/packages')).status, 200);
    assert.equal((await t.call('GET', '/api/ping')).status, 200);
    const paths = Object.keys((await t.call('GET', '/docs/json', { token: null })).body.paths);
    assert.ok(paths.includes('/api/v1/packages') && paths.includes('/api/v1/ping'));
    assert.deepEqual(
      paths.filter((path) => /^\/api\/(accounts|clients|packages|server|ping)\b/.test(path)),
      [],
    );
  });

  test('Swagger UI at /docs and the JSON at /docs/json', async () => {
    const ui = await t.call('GET', '/docs', { token: null });
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    const json = await t.call('GET', '/docs/json', { token: null });
    assert.equal(json.status, 200);
    assert.ok(json.body.paths['/api/v1/packages']);
  });
});
