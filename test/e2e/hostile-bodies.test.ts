import assert from 'node:assert/strict';
import { connect, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MAX_UPLOADS_IN_FLIGHT } from '../../src/platform/http/fastify-adapter';
import { accountBody, countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

/** Hostile bodies and paths: one parser and one validation pipe refuse them on every dialect, before anything is written. */
describe('hostile bodies and paths are refused cleanly', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const deep = (levels: number) => `{"x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
  const json = { 'content-type': 'application/json' };

  test('JSON nested 1,500 deep: 400 in each dialect, nothing stored, no 5xx', async () => {
    const before = await countRows(t, 'accounts');
    const routes: [string, (body: any) => boolean][] = [
      ['/api/v1/accounts', (b) => b.error === 'bad_request' && /nested deeper/.test(b.message)],
      ['/API/plesk/clients/create', (b) => b.success === false && /nested deeper/.test(b.message)],
      ['/api/v2/clients', (b) => b.code === 400 && /nested deeper/.test(b.message)],
    ];
    for (const [url, shaped] of routes) {
      const r = await t.call('POST', url, { rawBody: deep(1500), headers: { 'x-api-key': t.adminToken, 'idempotency-key': `deep-${url}` } });
      assert.equal(r.status, 400, `${url}: ${r.text}`);
      assert.ok(shaped(r.body), `${url}: ${r.text}`);
    }
    assert.equal((await t.call('POST', '/api/v1/accounts', { rawBody: deep(31) })).status, 422, 'a body at the limit reaches validation');
    assert.equal(await countRows(t, 'accounts'), before);
  });

  test('a key sent twice is refused (400), not last-wins', async () => {
    const body = accountBody();
    const raw = JSON.stringify(body).replace(/^\{/, `{"username":"decoy",`);
    const r = await t.call('POST', '/api/v1/accounts', { rawBody: raw });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.message, /"username" twice/);
    const escaped = await t.call('POST', '/api/v1/accounts', { rawBody: JSON.stringify(body).replace(/^\{/, '{"\\u0075sername":"decoy",') });
    assert.equal(escaped.status, 400, 'an escaped spelling of the same key is the same key');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
  });

  test('a bodiless request is bodiless whatever its content type; unknown routes stay 404', async () => {
    const a = await createAccount(t);
    const suspend = await t.call('POST', `/api/v1/accounts/${a.id}/suspend`, { rawBody: '', headers: json });
    assert.equal(suspend.status, 200, suspend.text);
    const del = await t.call('DELETE', `/api/v1/accounts/${a.id}`, { rawBody: '', headers: json });
    assert.equal(del.status, 204, del.text);
    const client = await t.call('POST', '/api/v2/clients', {
      headers: { 'x-api-key': t.adminToken },
      token: null,
      body: { name: 'Empty Body', login: 'emptybody', password: 'correct horse', email: 'eb@example.net' },
    });
    assert.equal(client.status, 201, client.text);
    const put = await t.call('PUT', `/api/v2/clients/${client.body.id}/suspend`, { token: null, rawBody: '', headers: { ...json, 'x-api-key': t.adminToken } });
    assert.equal(put.status, 200, put.text);
    const nowhere = await t.call('POST', '/api/v1/nowhere', { rawBody: '', headers: json });
    assert.equal(nowhere.status, 404, nowhere.text);
    assert.equal(nowhere.body.error, 'not_found');
  });

  test('a form body is refused with 415 and acts on nothing', async () => {
    const body = accountBody();
    const form = new URLSearchParams(body as Record<string, string>).toString();
    const r = await t.call('POST', '/api/v1/accounts', { rawBody: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 415, r.text);
    assert.equal(r.body.error, 'unsupported_media_type');
    const c = await t.call('POST', '/api/v1/clients', {
      rawBody: 'name=Form&email=form%40example.net',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(c.status, 415, c.text);
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
    assert.equal(await countRows(t, 'clients', 'email = ?', ['form@example.net']), 0);
  });

  test('only the canonical decimal form is an id: 0x71, 113e0, +113, " 113", 113.0, 0b…, 0o…, 0113 name nothing', async () => {
    const a = await createAccount(t);
    const n = a.id;
    const variants = [`0x${n.toString(16)}`, `${n}e0`, `+${n}`, `%20${n}`, `${n}.0`, `0b${n.toString(2)}`, `0o${n.toString(8)}`, `0${n}`, `${n}%20`];
    for (const v of variants) {
      const del = await t.call('DELETE', `/api/v1/accounts/${v}`);
      assert.equal(del.status, 404, `${v}: ${del.text}`);
      assert.equal((await t.call('GET', `/api/v1/accounts/${v}`)).status, 404, v);
      assert.equal((await t.call('PATCH', `/api/v1/accounts/${v}`, { body: { email: 'x@example.net' } })).status, 404, v);
    }
    const still = await t.call('GET', `/api/v1/accounts/${n}`);
    assert.equal(still.status, 200);
    assert.equal(still.body.data.status, 'active');
  });

  test('a path parameter past 100 characters: 404 in the envelope, with X-Request-Id', async () => {
    const long = '1'.repeat(150);
    const native = await t.call('GET', `/api/v1/accounts/${long}`);
    assert.equal(native.status, 404, native.text);
    assert.equal(native.body.error, 'not_found');
    assert.ok(native.headers['x-request-id']);
    assert.ok(!native.text.includes('FST_'), native.text);
    const reseller = await t.call('POST', `/API/plesk/clients/${long}/suspend`, { token: null, headers: { 'x-api-key': t.adminToken } });
    assert.equal(reseller.status, 404, reseller.text);
    assert.equal(reseller.body.success, false);
    assert.ok(reseller.headers['x-request-id']);
  });

  test('a body that is not an object (null, an array, a number) is refused where a DTO is expected', async () => {
    const a = await createAccount(t);
    for (const raw of ['null', '[]', '42', '"text"']) {
      const r = await t.call('PATCH', `/api/v1/accounts/${a.id}`, { rawBody: raw });
      assert.equal(r.status, 400, `${raw}: ${r.text}`);
      assert.equal(r.body.error, 'bad_request');
    }
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}`)).body.data.email, `${a.username}@example.net`);
  });

  test('fields named like built-ins (toString, constructor, __proto__) are unknown fields like any other: 422', async () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const body = accountBody();
      const raw = JSON.stringify(body).replace(/\}$/, `,"${name}":{"x":1}}`);
      const r = await t.call('POST', '/api/v1/accounts', { rawBody: raw });
      assert.equal(r.status, 422, `${name}: ${r.text}`);
      assert.deepEqual(r.body.details, [{ field: name, message: `${name} is not a known field` }]);
      assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
    }
  });
});

describe('slow and piled-up uploads are bounded', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_REQUEST_TIMEOUT: '1' } });
  });
  after(() => t.close());

  const openUpload = () =>
    new Promise<Socket>((resolve) => {
      const socket = connect(t.port, '127.0.0.1', () => {
        socket.write(
          `POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{`,
        );
        resolve(socket);
      });
      socket.on('error', () => undefined);
    });

  test('a body trickled past HW_REQUEST_TIMEOUT is cut off: the server answers 408 and closes', async () => {
    const socket = await openUpload();
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(trickle);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  test(`past ${MAX_UPLOADS_IN_FLIGHT} bodies in flight, the next upload gets 503 with Retry-After before its body is read`, async () => {
    const sockets = await Promise.all(Array.from({ length: MAX_UPLOADS_IN_FLIGHT }, openUpload));
    const refused = await waitFor(
      async () => {
        const r = await t.call('POST', '/api/v1/clients', { body: { name: 'One Too Many', login: 'toomany', password: 'correct horse', email: 'toomany@example.net' } });
        return r.status === 503 ? r : undefined;
      },
      'the upload limit to refuse',
      5000,
    );
    assert.equal(refused.body.error, 'service_unavailable');
    assert.equal(refused.headers['retry-after'], '1');
    for (const s of sockets) s.destroy();
    const after = await waitFor(
      async () => {
        const r = await t.call('POST', '/api/v1/clients', {
          body: { name: 'Room Again', login: 'roomagain', password: 'correct horse', email: 'roomagain@example.net' },
        });
        if (r.status !== 503) assert.equal(r.status, 201, r.text);
        return r.status === 201 ? r : undefined;
      },
      'room for uploads again',
      5000,
    );
    assert.equal(after.status, 201);
    assert.equal(await countRows(t, 'clients', 'email = ?', ['toomany@example.net']), 0);
  });
});

describe('null is not a value for a field a PATCH may only change', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('package PATCH with null name, php_version or a limit: 422 naming the field, the row unchanged (was 500)', async () => {
    const created = await t.call('POST', '/api/v1/packages', {
      body: { name: 'Nullable Test', disk_quota_mb: 100, bandwidth_mb: 100, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;
    for (const field of ['name', 'php_version', 'disk_quota_mb', 'bandwidth_mb', 'max_domains', 'max_databases', 'max_email_accounts']) {
      const r = await t.call('PATCH', `/api/v1/packages/${id}`, { body: { [field]: null } });
      assert.equal(r.status, 422, `${field}: ${r.text}`);
      assert.equal(r.body.details[0].field, field);
    }
    const after = await t.call('GET', `/api/v1/packages/${id}`);
    assert.equal(after.body.data.name, 'Nullable Test');
  });

  test('client PATCH with null name or email: 422 on every dialect', async () => {
    const c = await t.call('POST', '/api/v1/clients', { body: { name: 'Null Client', login: 'nullclient', password: 'correct horse', email: 'nullclient@example.net' } });
    assert.equal(c.status, 201, c.text);
    assert.equal((await t.call('PATCH', `/api/v1/clients/${c.body.data.id}`, { body: { name: null } })).status, 422);
    assert.equal((await t.call('PATCH', `/api/v1/clients/${c.body.data.id}`, { body: { email: null } })).status, 422);
    const rest = await t.call('PUT', `/api/v2/clients/${c.body.data.id}`, { token: null, headers: { 'x-api-key': t.adminToken }, body: { name: null } });
    assert.equal(rest.status, 400, rest.text);
    const reseller = await t.call('POST', `/API/plesk/clients/${c.body.data.id}/update`, { token: null, headers: { 'x-api-key': t.adminToken }, body: { name: null } });
    assert.equal(reseller.status, 422, reseller.text);
    assert.equal((await t.call('GET', `/api/v1/clients/${c.body.data.id}`)).body.data.name, 'Null Client');
  });
});

describe('Plesk lookups take a reference exactly as sent', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('" <id>", "<id> ", "0<id>", an upper-case guid name no client: 404, and the client stays active', async () => {
    const key = { 'x-api-key': t.adminToken };
    const c = await t.call('POST', '/API/plesk/clients/create', {
      token: null,
      headers: key,
      body: { name: 'Exact Ref', login: 'exactref', email: 'exactref@example.net', password: 'correct horse' },
    });
    assert.equal(c.status, 200, c.text);
    const id = c.body.data.plesk_client_id as string;
    const guid = c.body.data.id as string;
    for (const ref of [`%20${id}`, `${id}%20`, `0${id}`, `+${id}`, guid.toUpperCase(), `%20${guid}`]) {
      const r = await t.call('POST', `/API/plesk/clients/${ref}/suspend`, { token: null, headers: key });
      assert.equal(r.status, 404, `${ref}: ${r.text}`);
      assert.equal(r.body.success, false);
    }
    const rest = await t.call('GET', `/api/v2/clients/%20${id}`, { token: null, headers: key });
    assert.equal(rest.status, 404, rest.text);
    assert.equal((await t.call('GET', `/api/v1/clients/${id}`)).body.data.status, 'active');
    assert.equal((await t.call('POST', `/API/plesk/clients/${guid}/suspend`, { token: null, headers: key })).status, 200, 'the canonical guid still works');
  });
});
