import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { accountBody } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

interface Entry {
  id: number;
  token_name: string | null;
  action: string;
  target: string | null;
  result: number;
  created_at: string;
}

describe('audit log', () => {
  let t: TestApp;
  let writer: string;
  before(async () => {
    t = await startTestApp();
    writer = await t.createToken(['accounts:write', 'clients:write'], 'billing');
  });
  after(() => t.close());

  const entries = async (query = ''): Promise<Entry[]> => {
    const r = await t.call('GET', `/api/v1/audit?limit=100${query}`);
    assert.equal(r.status, 200, r.text);
    return r.body.data;
  };

  test('every write is stored with token name, action (method + route pattern), target and result; reads are not', async () => {
    const created = await t.call('POST', '/api/v1/accounts', { token: writer, body: accountBody() });
    assert.equal(created.status, 201);
    const id = String(created.body.data.id);
    await t.call('POST', `/api/v1/accounts/${id}/suspend`, { token: writer, body: { reason: 'overdue' } });
    await t.call('POST', `/api/v1/accounts/${id}/suspend`, { token: writer });
    await t.call('GET', `/api/v1/accounts/${id}`, { token: writer });
    await t.call('DELETE', `/api/accounts/${id}`, { token: writer });
    const log = (await entries('&token_name=billing')).map(({ token_name, action, target, result }) => ({ token_name, action, target, result }));
    assert.deepEqual(log, [
      { token_name: 'billing', action: 'POST /api/v1/accounts', target: id, result: 201 },
      { token_name: 'billing', action: 'POST /api/v1/accounts/:id/suspend', target: id, result: 200 },
      { token_name: 'billing', action: 'POST /api/v1/accounts/:id/suspend', target: id, result: 409 },
      { token_name: 'billing', action: 'DELETE /api/accounts/:id', target: id, result: 204 },
    ]);
    const [entry] = await entries(`&target=${id}&method=DELETE`);
    assert.match(entry.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('failed writes are audited too: invalid body, forbidden; no token and unknown routes are not; nothing secret is stored', async () => {
    const reader = await t.createToken(['accounts:read'], 'reader');
    await t.call('POST', '/api/v1/accounts', { token: writer, body: { ...accountBody(), password: 'short' } });
    await t.call('POST', '/api/v1/accounts', { token: reader, body: accountBody() });
    const before = (await entries()).length;
    // Nothing authenticated these: no token, and no route (so no guard named the token).
    assert.equal((await t.call('PATCH', '/api/v1/accounts/5', { token: null, body: { email: 'a@b.co' } })).status, 401);
    assert.equal((await t.call('DELETE', '/api/v1/nowhere/7', { token: writer })).status, 404);
    const log = await entries();
    assert.equal(log.length, before);
    const last = log.slice(-2).map(({ token_name, action, target, result }) => ({ token_name, action, target, result }));
    assert.deepEqual(last, [
      { token_name: 'billing', action: 'POST /api/v1/accounts', target: null, result: 422 },
      { token_name: 'reader', action: 'POST /api/v1/accounts', target: null, result: 403 },
    ]);
    const raw = JSON.stringify(await t.get(DataSource).query('SELECT * FROM audit_log'));
    assert.ok(!raw.includes('correct horse') && !raw.includes('short'));
  });

  test('GET /api/v1/audit needs tokens:admin; pages chain by cursor', async () => {
    assert.equal((await t.call('GET', '/api/v1/audit', { token: writer })).status, 403);
    const all = await entries();
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.call('GET', `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.data.map((e: Entry) => e.id));
      cursor = r.body.meta.next_cursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.map((e) => e.id),
    );
    assert.equal((await t.call('GET', '/api/v1/audit?method=GET')).status, 422);
  });

  test('a failing audit insert never breaks the answer', async () => {
    await t.get(DataSource).query('DROP TABLE audit_log');
    const r = await t.call('POST', '/api/v1/accounts', { token: writer, body: accountBody() });
    assert.equal(r.status, 201, r.text);
    assert.equal(typeof r.body.data.id, 'number');
  });
});
