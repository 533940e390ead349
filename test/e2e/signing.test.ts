import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createAccount } from '../support/accounts';
import { signedHeaders, signedHeadersV2 } from '../support/signing';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';

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
    assert.deepEqual(
      listed.filter((x: { can_sign: boolean; revoked_at: string | null }) => x.can_sign && !x.revoked_at).map((x: { name: string }) => x.name),
      ['commerce'],
    );
  });

  test('a billing client that signs runs create → get → suspend → unsuspend → delete on /api/accounts', async () => {
    // A second apart each (two bodiless calls in one second are covered by their own test below).
    let clock = Math.floor(Date.now() / 1000) - 200;
    const send = (method: string, url: string, payload?: unknown) => {
      const raw = payload === undefined ? '' : JSON.stringify(payload);
      return signedCall(method, url, raw, signedHeaders(signer, raw || '{}', clock++));
    };
    const create = await send('POST', '/api/accounts', {
      username: 'billed',
      password: 'Str0ng-pass',
      domain: 'billed.example.com',
      package: 'default',
      email: 'owner@example.com',
      disk_limit_mb: 2048,
      bandwidth_limit_mb: 4096,
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
    const { since } = suspended.body.data.suspensions[0];
    assert.deepEqual(suspended.body.data, { id, username: 'billed', status: 'suspended', suspensions: [{ type: 'billing', reason: null, since }] });
    const active = await send('POST', `/api/accounts/${id}/unsuspend`);
    assert.deepEqual(active.body.data, { id, username: 'billed', status: 'active', suspensions: [] });

    const removed = await send('DELETE', `/api/accounts/${id}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.equal((await send('GET', `/api/accounts/${id}`)).status, 404);
    const rows = await t.get(DataSource).query('SELECT COUNT(*) AS n FROM accounts');
    assert.equal(Number(rows[0].n), 0);
  });
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('version 1 signatures: the replay cache knows method and path, the signature does not', () => {
  let t: TestApp;
  let signer: string;
  before(async () => {
    t = await startTestApp();
    signer = (await t.call('POST', '/api/v1/tokens', { body: { name: 'billing-v1', scopes: ['*'], can_sign: true } })).body.data.token;
  });
  after(() => t.close());

  const signed = (method: string, url: string, headers: Record<string, string>) => t.call(method, url, { token: null, headers });

  test('two different bodiless calls signed in the same second both succeed; the identical request again is a replay', async () => {
    const first = await createAccount(t);
    const second = await createAccount(t);
    // A billing module suspending two accounts back to back: same second, empty body, so the same signature.
    const headers = signedHeaders(signer, '{}', nowSeconds() - 20);
    const a = await signed('POST', `/api/accounts/${first.id}/suspend`, headers);
    assert.equal(a.status, 200, a.text);
    const b = await signed('POST', `/api/accounts/${second.id}/suspend`, headers);
    assert.equal(b.status, 200, b.text);
    assert.equal(b.body.data.status, 'suspended');
    const again = await signed('POST', `/api/accounts/${first.id}/suspend`, headers);
    assert.equal(again.status, 401, 'the identical request (method, path, signature) is a replay');
    // The query is part of the request too.
    const listed = signedHeaders(signer, '{}', nowSeconds() - 21);
    assert.equal((await signed('GET', '/api/accounts?status=active', listed)).status, 200);
    assert.equal((await signed('GET', '/api/accounts?status=suspended', listed)).status, 200);
    assert.equal((await signed('GET', '/api/accounts?status=suspended', listed)).status, 401);
  });

  test('what version 1 does not stop: a captured request re-sent with another method or path within the window', async () => {
    const victim = await createAccount(t);
    const captured = signedHeaders(signer, '{}', nowSeconds() - 22);
    assert.equal((await signed('GET', '/api/ping', captured)).status, 200);
    // The signature covers neither method nor path: the same headers delete an account. Version 2 closes this.
    assert.equal((await signed('DELETE', `/api/accounts/${victim.id}`, captured)).status, 204);
  });
});

describe('version 2 signatures: method, path with query, timestamp, nonce and body hash', () => {
  let t: TestApp;
  let signer: string;
  before(async () => {
    t = await startTestApp();
    signer = (await t.call('POST', '/api/v1/tokens', { body: { name: 'billing-v2', scopes: ['*'], can_sign: true } })).body.data.token;
  });
  after(() => t.close());

  const send = (method: string, url: string, headers: Record<string, string>, body?: string) =>
    t.call(method, url, { token: null, rawBody: body, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } });

  test('a v2-signed GET with a query and a POST with a body are accepted', async () => {
    const list = await send('GET', '/api/v1/accounts?limit=5', signedHeadersV2(signer, 'GET', '/api/v1/accounts?limit=5'));
    assert.equal(list.status, 200, list.text);
    const raw = `{"name":"v2pkg", "disk_quota_mb":1,"bandwidth_mb":1,"max_domains":1,"max_databases":1,"max_email_accounts":1,"php_version":"8.2"}`;
    const created = await send('POST', '/api/packages', signedHeadersV2(signer, 'POST', '/api/packages', raw), raw);
    assert.equal(created.status, 201, created.text);
  });

  test('the same headers on another method, path or query, or with another body, are refused; the request itself once only', async () => {
    const victim = await createAccount(t);
    const url = `/api/v1/accounts/${victim.id}`;
    const headers = signedHeadersV2(signer, 'GET', url);
    assert.equal((await send('DELETE', url, headers)).status, 401, 'another method');
    assert.equal((await send('GET', `/api/v1/accounts/${victim.id + 1}`, headers)).status, 401, 'another path');
    assert.equal((await send('GET', `${url}?x=1`, headers)).status, 401, 'another query');
    assert.equal((await send('GET', `/api${url.slice('/api/v1'.length)}`, headers)).status, 401, 'the alias path');
    assert.equal(
      (await send('POST', `${url}/suspend`, signedHeadersV2(signer, 'POST', `${url}/suspend`, '{"reason":"a"}'), '{"reason":"b"}')).status,
      401,
      'another body',
    );
    assert.equal((await send('GET', url, headers)).status, 200);
    assert.equal((await send('GET', url, headers)).status, 401, 'a replay');
    assert.equal((await t.call('GET', url)).body.data.status, 'active');
  });

  test('a nonce is used once per token: a fresh signature reusing it is refused', async () => {
    const nonce = 'a'.repeat(32);
    assert.equal((await send('GET', '/api/ping', signedHeadersV2(signer, 'GET', '/api/ping', '', nowSeconds(), nonce))).status, 200);
    assert.equal((await send('GET', '/api/server/stats', signedHeadersV2(signer, 'GET', '/api/server/stats', '', nowSeconds() - 1, nonce))).status, 401);
  });

  test('malformed: no nonce, a short nonce, an unknown version, a stale timestamp, a v1 signature marked v2', async () => {
    const good = signedHeadersV2(signer, 'GET', '/api/ping');
    const { 'x-nonce': _, ...noNonce } = good;
    assert.equal((await send('GET', '/api/ping', noNonce)).status, 401);
    assert.equal((await send('GET', '/api/ping', signedHeadersV2(signer, 'GET', '/api/ping', '', nowSeconds(), 'short'))).status, 401);
    assert.equal((await send('GET', '/api/ping', { ...signedHeadersV2(signer, 'GET', '/api/ping'), 'x-signature-version': '3' })).status, 401);
    assert.equal((await send('GET', '/api/ping', signedHeadersV2(signer, 'GET', '/api/ping', '', nowSeconds() - 301))).status, 401);
    assert.equal(
      (await send('GET', '/api/ping', { ...signedHeaders(signer, '{}', nowSeconds() - 30), 'x-signature-version': '2', 'x-nonce': 'b'.repeat(32) })).status,
      401,
    );
    assert.equal((await send('GET', '/api/ping', good)).status, 200);
  });
});

describe('tokens that require version 2 (require_signature_v2, CLI --signature-v2)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const send = (method: string, url: string, headers: Record<string, string>) => t.call(method, url, { token: null, headers });

  test('API: such a token refuses version 1 and accepts version 2; it needs can_sign', async () => {
    const made = await t.call('POST', '/api/v1/tokens', { body: { name: 'strict', scopes: ['*'], can_sign: true, require_signature_v2: true } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.data.require_signature_v2, true);
    const token = made.body.data.token;
    assert.equal((await send('GET', '/api/ping', signedHeaders(token, '{}'))).status, 401);
    assert.equal((await send('GET', '/api/ping', signedHeadersV2(token, 'GET', '/api/ping'))).status, 200);
    // Sending the token itself still works: the requirement is about signatures.
    assert.equal((await t.call('GET', '/api/ping', { token })).status, 200);

    const lax = await t.call('POST', '/api/v1/tokens', { body: { name: 'lax', scopes: ['*'], can_sign: true } });
    assert.equal(lax.body.data.require_signature_v2, false);
    assert.equal((await send('GET', '/api/ping', signedHeadersV2(lax.body.data.token, 'GET', '/api/ping'))).status, 200, 'any signing token speaks v2');

    const unsigned = await t.call('POST', '/api/v1/tokens', { body: { name: 'nosign', scopes: ['*'], require_signature_v2: true } });
    assert.equal(unsigned.status, 422);
    assert.equal(unsigned.body.details[0].field, 'require_signature_v2');
    const listed = (await t.call('GET', '/api/v1/tokens')).body.data.find((x: { name: string }) => x.name === 'strict');
    assert.equal(listed.require_signature_v2, true);
  });

  test('CLI: token:create --can-sign --signature-v2; --signature-v2 alone is a usage error', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HW_LOG_LEVEL: 'silent',
      HW_DATA_DIR: t.config.dataDir,
      HW_LICENSE_FILE: t.config.license.file,
      ...(t.database.url ? { DATABASE_URL: t.database.url } : { HW_SQLITE_PATH: (t.config.database as { path: string }).path }),
    };
    const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), ...args], { cwd: t.config.dataDir, env, encoding: 'utf8' });
    const made = cli(['token:create', '--name', 'cli-strict', '--scopes', '*', '--can-sign', '--signature-v2']);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /version 2 only/);
    const token = made.stdout.trim().split('\n').pop()!;
    assert.equal((await send('GET', '/api/ping', signedHeaders(token, '{}'))).status, 401);
    assert.equal((await send('GET', '/api/ping', signedHeadersV2(token, 'GET', '/api/ping'))).status, 200);
    const alone = cli(['token:create', '--name', 'cli-bad', '--scopes', '*', '--signature-v2']);
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--signature-v2 needs --can-sign/);
  });
});

describe('seen signatures are kept in the database: a restart does not reopen the replay window', () => {
  test('a v1 and a v2 request accepted before a restart are replays after it', async () => {
    const first = await startTestApp();
    const signer = (await first.call('POST', '/api/v1/tokens', { body: { name: 'restart', scopes: ['*'], can_sign: true } })).body.data.token;
    const v1 = signedHeaders(signer, '{}', nowSeconds() - 5);
    const v2 = signedHeadersV2(signer, 'GET', '/api/ping');
    try {
      assert.equal((await first.call('GET', '/api/ping', { token: null, headers: v1 })).status, 200);
      assert.equal((await first.call('GET', '/api/ping', { token: null, headers: v2 })).status, 200);
    } finally {
      await first.close(true);
    }
    const second = await startTestApp({ database: first.database, dataDir: first.config.dataDir });
    try {
      assert.equal((await second.call('GET', '/api/ping', { token: null, headers: v1 })).status, 401);
      assert.equal((await second.call('GET', '/api/ping', { token: null, headers: v2 })).status, 401);
      assert.equal((await second.call('GET', '/api/server/stats', { token: null, headers: v1 })).status, 200, 'v1: another path is another request');
    } finally {
      await second.close();
    }
  });
});
