import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { ClientsService } from '../../src/clients/clients.service';
import { countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

const CLIENT_KEYS = ['company', 'created_at', 'email', 'external_id', 'guid', 'id', 'login', 'name', 'status'];
let n = 0;
const clientBody = (over: Record<string, unknown> = {}) => {
  n += 1;
  return { name: `Client ${n}`, login: `client.${n}`, email: `c${n}@example.com`, password: 'client-pass', ...over };
};

describe('clients: customers who own accounts', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('create → 201 with the client (never its password); stored as argon2id; GET returns the same', async () => {
    const r = await t.call('POST', '/api/v1/clients', { body: clientBody({ login: 'Alice_Co', company: 'Alice Ltd', external_id: 'whmcs-7' }) });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body.data).sort(), CLIENT_KEYS);
    assert.equal(r.body.data.login, 'alice_co');
    assert.equal(r.body.data.status, 'active');
    assert.equal(r.body.data.company, 'Alice Ltd');
    assert.equal(r.body.data.external_id, 'whmcs-7');
    assert.ok(!r.text.includes('client-pass'));
    const [row] = await t.get(DataSource).query('SELECT password_hash FROM clients WHERE id = ?', [r.body.data.id]);
    assert.match(row.password_hash, /^\$argon2id\$/);
    const got = await t.call('GET', `/api/v1/clients/${r.body.data.id}`);
    assert.deepEqual(got.body, r.body);
    assert.equal((await t.call('GET', '/api/v1/clients/999999')).status, 404);
  });

  test('login: 3–64 letters, digits, . _ -; unique regardless of case (409)', async () => {
    for (const login of ['ab', 'a'.repeat(65), 'a b', 'a;b', '../x', 'ünï', 'a@b']) {
      const r = await t.call('POST', '/api/v1/clients', { body: clientBody({ login }) });
      assert.equal(r.status, 422, login);
      assert.deepEqual(
        r.body.details.map((d: { field: string }) => d.field),
        ['login'],
      );
    }
    assert.equal((await t.call('POST', '/api/v1/clients', { body: clientBody({ login: 'same.login' }) })).status, 201);
    const dup = await t.call('POST', '/api/v1/clients', { body: clientBody({ login: 'Same.Login' }) });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error, 'conflict');
    const bad = await t.call('POST', '/api/v1/clients', { body: { name: '', login: 'okay', email: 'x', password: 'short', status: 'gone' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.details.map((d: { field: string }) => d.field).sort(), ['email', 'name', 'password', 'status']);
  });

  test('list with filters and cursor; PATCH; setStatus through the service', async () => {
    const a = (await t.call('POST', '/api/v1/clients', { body: clientBody({ external_id: 'ext-a' }) })).body.data;
    const page = await t.call('GET', '/api/v1/clients?external_id=ext-a');
    assert.deepEqual(
      page.body.data.map((c: { id: number }) => c.id),
      [a.id],
    );
    const byLogin = await t.call('GET', `/api/v1/clients?login=${a.login.toUpperCase()}`);
    assert.deepEqual(
      byLogin.body.data.map((c: { id: number }) => c.id),
      [a.id],
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.call('GET', `/api/v1/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.data.map((c: { id: number }) => c.id));
      cursor = r.body.meta.next_cursor;
    } while (cursor);
    assert.equal(seen.length, await countRows(t, 'clients'));
    assert.equal(new Set(seen).size, seen.length);

    const patched = await t.call('PATCH', `/api/v1/clients/${a.id}`, { body: { name: 'Renamed', company: null, status: 'suspended' } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.data.name, 'Renamed');
    assert.equal(patched.body.data.status, 'suspended');
    assert.equal(
      (await t.call('GET', '/api/v1/clients?status=suspended')).body.data.some((c: { id: number }) => c.id === a.id),
      true,
    );
    const service = t.get(ClientsService);
    assert.equal((await service.setStatus(a.id, 'active')).status, 'active');
    assert.equal((await service.findByLogin(a.login.toUpperCase()))?.id, a.id);
    assert.equal((await service.findByGuid(a.guid))?.id, a.id);
    assert.equal((await t.call('PATCH', '/api/v1/clients/999999', { body: { name: 'x' } })).status, 404);
    assert.equal((await t.call('PATCH', `/api/v1/clients/${a.id}`, { body: { login: 'x' } })).status, 422);
  });

  test('GET /clients/{id}/accounts; deleting a client that owns accounts → 409; then 204', async () => {
    const client = (await t.call('POST', '/api/v1/clients', { body: clientBody() })).body.data;
    const owned = await createAccount(t, { client_id: client.id });
    await createAccount(t);
    const list = await t.call('GET', `/api/v1/clients/${client.id}/accounts`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((a: { id: number }) => a.id),
      [owned.id],
    );
    assert.equal((await t.call('GET', '/api/v1/clients/999999/accounts')).status, 404);

    const refused = await t.call('DELETE', `/api/v1/clients/${client.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error, 'conflict');
    assert.equal(await countRows(t, 'clients', 'id = ?', [client.id]), 1);
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${owned.id}`, { body: { client_id: null } })).status, 200);
    const removed = await t.call('DELETE', `/api/v1/clients/${client.id}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.equal(await countRows(t, 'clients', 'id = ?', [client.id]), 0);
    assert.equal((await t.call('DELETE', `/api/v1/clients/${client.id}`)).status, 404);
  });

  test('scopes: clients:read cannot write', async () => {
    const reader = await t.createToken(['clients:read']);
    assert.equal((await t.call('GET', '/api/v1/clients', { token: reader })).status, 200);
    assert.equal((await t.call('POST', '/api/v1/clients', { token: reader, body: clientBody() })).status, 403);
  });
});
