import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { signedHeaders } from '../support/signing';
import { startTestApp, TestApp } from '../support/test-app';

const NEW_PACKAGE = { name: 'signed', disk_quota_mb: 1, bandwidth_mb: 1, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' };

describe('signed requests (X-Timestamp + X-Signature)', () => {
  let t: TestApp;
  let signer: string;
  let plain: string;

  before(async () => {
    t = await startTestApp();
    const created = await t.call('POST', '/api/v1/tokens', { body: { name: 'commerce', scopes: ['*'], can_sign: true } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.can_sign, true);
    signer = created.body.data.token;
    plain = (await t.call('POST', '/api/v1/tokens', { body: { name: 'whmcs', scopes: ['*'] } })).body.data.token;
  });
  after(() => t.close());

  function signedCall(method: string, url: string, body: string, headers: Record<string, string>) {
    return t.call(method, url, { token: null, rawBody: body || undefined, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } });
  }

  test('a bodiless GET signed over "{}" or "" is accepted', async () => {
    const overBraces = await signedCall('GET', '/api/server/stats', '', signedHeaders(signer, '{}'));
    assert.equal(overBraces.status, 200);
    assert.equal(typeof overBraces.body.data.hostname, 'string');
    assert.equal(typeof overBraces.body.data.disk_free_bytes, 'number');
    const overNothing = await signedCall('GET', '/api/ping', '', signedHeaders(signer, ''));
    assert.equal(overNothing.status, 200);
  });

  test('a signed POST is verified over the raw bytes received, not re-serialised JSON', async () => {
    const raw = `{ "name":"signed",  "disk_quota_mb":1,"bandwidth_mb":1,"max_domains":1,"max_databases":1,"max_email_accounts":1,"php_version":"8.2" }`;
    const r = await signedCall('POST', '/api/packages', raw, signedHeaders(signer, raw));
    assert.equal(r.status, 201);
    assert.equal(r.body.data.name, 'signed');
  });

  test('tampered body, stale timestamp, replay, wrong key and a non-signing token → 401', async () => {
    const body = JSON.stringify({ ...NEW_PACKAGE, name: 'tamper' });
    const tampered = await signedCall('POST', '/api/packages', body.replace('tamper', 'tamperX'), signedHeaders(signer, body));
    assert.equal(tampered.status, 401);
    assert.equal(tampered.body.error, 'unauthenticated');

    const stale = signedHeaders(signer, '{}', Math.floor(Date.now() / 1000) - 301);
    assert.equal((await signedCall('GET', '/api/ping', '', stale)).status, 401);
    const future = signedHeaders(signer, '{}', Math.floor(Date.now() / 1000) + 301);
    assert.equal((await signedCall('GET', '/api/ping', '', future)).status, 401);

    // Earlier tests signed '{}' at the current second; another second gives a signature not yet seen.
    const once = signedHeaders(signer, '{}', Math.floor(Date.now() / 1000) - 7);
    assert.equal((await signedCall('GET', '/api/ping', '', once)).status, 200);
    assert.equal((await signedCall('GET', '/api/ping', '', once)).status, 401, 'the same signature again is a replay');

    assert.equal((await signedCall('GET', '/api/ping', '', signedHeaders('hw_not-a-real-token', '{}'))).status, 401);
    assert.equal((await signedCall('GET', '/api/ping', '', signedHeaders(plain, '{}'))).status, 401, 'only can_sign tokens sign');
    assert.equal((await signedCall('GET', '/api/ping', '', { 'x-timestamp': 'abc', 'x-signature': 'zz' })).status, 401);
    const rows = await t.get(DataSource).query("SELECT COUNT(*) AS n FROM packages WHERE name LIKE 'tamper%'");
    assert.equal(Number(rows[0].n), 0, 'nothing was written by refused requests');
  });

  test('a revoked signing token stops signing', async () => {
    const made = await t.call('POST', '/api/v1/tokens', { body: { name: 'short-lived', scopes: ['*'], can_sign: true } });
    assert.equal((await signedCall('GET', '/api/ping', '', signedHeaders(made.body.data.token, '{}'))).status, 200);
    await t.call('DELETE', `/api/v1/tokens/${made.body.data.id}`);
    assert.equal((await signedCall('GET', '/api/ping', '', signedHeaders(made.body.data.token, '{}'))).status, 401);
  });

  test('the secret is encrypted at rest with a 0600 server key, never stored in clear', async () => {
    const rows: { secret_enc: string | null; name: string }[] = await t.get(DataSource).query('SELECT name, secret_enc FROM api_tokens');
    const commerce = rows.find((r) => r.name === 'commerce')!;
    assert.match(commerce.secret_enc!, /^v1\./);
    assert.ok(!commerce.secret_enc!.includes(signer.slice(3)));
    assert.equal(rows.find((r) => r.name === 'whmcs')!.secret_enc, null);
    assert.equal(statSync(t.config.secretKeyFile).mode & 0o777, 0o600);
    const listed = (await t.call('GET', '/api/v1/tokens')).body.data;
    assert.deepEqual(listed.filter((x: { can_sign: boolean; revoked_at: string | null }) => x.can_sign && !x.revoked_at).map((x: { name: string }) => x.name), ['commerce']);
  });

  test('a billing client that signs runs create → get → suspend → unsuspend → delete on /api/accounts', async () => {
    // The signature covers neither method nor path, so two bodiless calls signed in one second are
    // identical and the second is refused as a replay; a real client's calls are seconds apart.
    let clock = Math.floor(Date.now() / 1000) - 200;
    const send = (method: string, url: string, payload?: unknown) => {
      const raw = payload === undefined ? '' : JSON.stringify(payload);
      return signedCall(method, url, raw, signedHeaders(signer, raw || '{}', clock++));
    };
    const create = await send('POST', '/api/accounts', {
      username: 'billed', password: 'Str0ng-pass', domain: 'billed.example.com', package: 'default', email: 'owner@example.com',
      disk_limit_mb: 2048, bandwidth_limit_mb: 4096,
    });
    assert.equal(create.status, 201, create.text);
    const id = create.body.data.id;
    assert.equal(create.body.data.status, 'active');

    const info = await send('GET', `/api/accounts/${id}`);
    assert.equal(info.status, 200);
    assert.equal(info.body.data.disk_limit_mb, 2048);
    assert.equal(info.body.data.bandwidth_limit_mb, 4096);

    const stats = await send('GET', '/api/server/stats');
    assert.equal(stats.body.data.accounts.active, 1);
    assert.equal(stats.body.data.license_seats.used, 1);

    const suspended = await send('POST', `/api/accounts/${id}/suspend`);
    assert.equal(suspended.status, 200);
    assert.deepEqual(suspended.body.data, { id, username: 'billed', status: 'suspended' });
    const active = await send('POST', `/api/accounts/${id}/unsuspend`);
    assert.deepEqual(active.body.data, { id, username: 'billed', status: 'active' });

    const removed = await send('DELETE', `/api/accounts/${id}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.equal((await send('GET', `/api/accounts/${id}`)).status, 404);
    const rows = await t.get(DataSource).query('SELECT COUNT(*) AS n FROM accounts');
    assert.equal(Number(rows[0].n), 0);
  });
});
