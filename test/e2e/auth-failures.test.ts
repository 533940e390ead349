import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { accountBody, countRows } from '../support/accounts';
import { signedHeaders } from '../support/signing';
import { loadConfig } from '../../src/platform/config/app-config';
import { CallResult, startTestApp, TestApp } from '../support/test-app';

/** A call from another loopback address (127.0.0.0/8 is all loopback on Linux): another client address. */
function callFrom(localAddress: string, port: number, path: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertRateLimited(r: CallResult, limit: number, window: number): void {
  assert.equal(r.status, 429, r.text);
  assert.equal(r.body.error, 'rate_limited');
  assert.match(r.body.message, /failed authentications/);
  const retryAfter = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= window, `Retry-After: ${r.headers['retry-after']}`);
  assert.equal(r.headers['x-ratelimit-limit'], String(limit));
  assert.equal(r.headers['x-ratelimit-remaining'], '0');
  assert.equal(r.headers['x-ratelimit-reset'], String(retryAfter));
}

describe('failed authentication is limited per client address (default budget)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('50 wrong-token guesses do not all get 401: past the budget they get 429 rate_limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await t.call('GET', '/api/v1/packages', { token: `hw_guess${i}` })).status);
    assert.ok(
      statuses.slice(0, 10).every((s) => s === 401),
      statuses.join(','),
    );
    assert.equal(statuses[49], 429, statuses.join(','));
    assert.ok(
      statuses.every((s) => s === 401 || s === 429),
      statuses.join(','),
    );
  });
});

describe('failed authentication is limited per client address (HW_AUTH_FAILURE_LIMIT=5)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_AUTH_FAILURE_LIMIT: '5', HW_AUTH_FAILURE_WINDOW: '120' } });
  });
  after(() => t.close());

  test('five failures of any kind get 401; then the address gets 429 before its credentials are looked at, a right token too', async () => {
    const signer = (await t.call('POST', '/api/v1/tokens', { body: { name: 'signer', scopes: ['*'], can_sign: true } })).body.data.token;
    const failures: CallResult[] = [
      await t.call('GET', '/api/v1/packages', { token: null }),
      await t.call('GET', '/api/v1/packages', { token: 'hw_wrong' }),
      await t.call('GET', '/api/v1/packages', { token: null, headers: { 'x-api-key': 'hw_wrong' } }),
      await t.call('GET', '/api/v1/packages', { token: null, headers: signedHeaders(signer, '{}', Math.floor(Date.now() / 1000) - 1000) }),
      await t.call('POST', '/API/plesk/clients/create', { token: null, headers: { 'x-api-key': 'hw_wrong' }, body: {} }),
    ];
    assert.deepEqual(
      failures.map((r) => r.status),
      [401, 401, 401, 401, 401],
    );

    assertRateLimited(await t.call('GET', '/api/v1/packages', { token: 'hw_wrong' }), 5, 120);
    assertRateLimited(await t.call('GET', '/api/v1/packages'), 5, 120);
    assertRateLimited(await t.call('GET', '/api/v1/packages', { token: null, headers: signedHeaders(signer, '{}') }), 5, 120);
    const v2 = await t.call('GET', '/api/v2/clients', { token: 'hw_wrong' });
    assert.equal(v2.status, 429);
    assert.deepEqual(v2.body, { code: 429, message: v2.body.message }, "in the dialect's envelope");
    assert.ok(v2.headers['retry-after']);
    // Monitors are not held up.
    assert.equal((await t.call('GET', '/health', { token: null })).status, 200);
  });

  test('another client address keeps its own budget', async () => {
    assert.equal(await callFrom('127.0.0.2', t.port, '/api/v1/packages', { authorization: `Bearer ${t.adminToken}` }), 200);
    assert.equal(await callFrom('127.0.0.2', t.port, '/api/v1/packages', { authorization: 'Bearer hw_wrong' }), 401);
  });
});

describe('audit: unauthenticated writes are noise, not audited', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_AUTH_FAILURE_LIMIT: '3' } });
  });
  after(() => t.close());

  test('writes without a valid token (401, then 429) add no audit row; an authenticated write does', async () => {
    const before = await countRows(t, 'audit_log');
    const statuses = [];
    for (const token of [null, 'hw_wrong', 'hw_wrong2', 'hw_wrong3', 'hw_wrong4']) {
      statuses.push((await t.call('POST', '/api/v1/accounts', { token, body: accountBody() })).status);
    }
    statuses.push((await t.call('DELETE', '/api/v1/accounts/5', { token: null })).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
    assert.equal(await countRows(t, 'audit_log'), before);
    // From another address (this one is now over its budget), with a token: audited, 404 and all.
    assert.equal(await callFrom('127.0.0.3', t.port, '/api/v1/accounts/999999/suspend', { authorization: `Bearer ${t.adminToken}` }, 'POST'), 404);
    assert.equal(await countRows(t, 'audit_log'), before + 1);
    assert.equal(await countRows(t, 'audit_log', 'token_name = ? AND status = 404', ['test-admin']), 1);
  });
});

describe('HW_AUTH_FAILURE_LIMIT=0 turns the failure budget off; a bad value stops the start', () => {
  test('no 429 however many failures; an invalid setting is a configuration error naming the variable', async () => {
    const t = await startTestApp({ env: { HW_AUTH_FAILURE_LIMIT: '0' } });
    try {
      for (let i = 0; i < 40; i++) assert.equal((await t.call('GET', '/api/v1/packages', { token: `hw_guess${i}` })).status, 401);
      assert.equal((await t.call('GET', '/api/v1/packages')).status, 200);
    } finally {
      await t.close();
    }
    assert.throws(() => loadConfig({ HW_AUTH_FAILURE_LIMIT: 'lots' }), /HW_AUTH_FAILURE_LIMIT/);
    assert.throws(() => loadConfig({ HW_AUTH_FAILURE_WINDOW: '0' }), /HW_AUTH_FAILURE_WINDOW/);
  });
});
