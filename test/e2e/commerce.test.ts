import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { countRows } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

/** Opterius Commerce v2.7.0 as shipped: /api/accounts, {domain, username, package, email}, no password. */
describe('Opterius Commerce module, unchanged (/api/accounts)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('create without a password: 201, a working account, top-level account_id, no password echoed', async () => {
    const r = await t.call('POST', '/api/accounts', { body: { domain: 'shop1.example.com', username: 'shop1', package: 'default', email: 'owner@example.com' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(typeof r.body.account_id, 'number');
    assert.equal(r.body.account_id, r.body.data.id);
    assert.equal(r.body.data.status, 'active');
    assert.ok(!/password/i.test(r.text));
    const rows = await t.get((await import('typeorm')).DataSource).query('SELECT password_hash FROM accounts WHERE id = ?', [r.body.account_id]);
    assert.match(rows[0].password_hash, /^\$argon2id\$/);
  });

  test('the native /api/v1 create still requires a password and has no top-level account_id', async () => {
    const r = await t.call('POST', '/api/v1/accounts', { body: { domain: 'shop2.example.com', username: 'shop2', package: 'default', email: 'owner@example.com' } });
    assert.equal(r.status, 422);
    assert.equal(r.body.details[0].field, 'password');
    assert.equal(r.body.details[0].message, 'password is required');
    const ok = await t.call('POST', '/api/v1/accounts', {
      body: { domain: 'shop2.example.com', username: 'shop2', package: 'default', email: 'owner@example.com', password: 'long enough' },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.account_id, undefined);
  });

  test('repeated suspend and unsuspend (the billing suspension) succeed on /api/accounts; still 409 on /api/v1 for the same type', async () => {
    const r = await t.call('POST', '/api/accounts', { body: { domain: 'shop3.example.com', username: 'shop3', package: 'default', email: 'owner@example.com' } });
    const id = r.body.account_id;
    for (let i = 0; i < 2; i++) {
      const s = await t.call('POST', `/api/accounts/${id}/suspend`);
      assert.equal(s.status, 200, s.text);
      assert.equal(s.body.data.status, 'suspended');
      assert.deepEqual(
        s.body.data.suspensions.map((x: { type: string }) => x.type),
        ['billing'],
      );
    }
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`, { body: { type: 'billing' } })).status, 409);
    for (let i = 0; i < 2; i++) {
      const u = await t.call('POST', `/api/accounts/${id}/unsuspend`);
      assert.equal(u.status, 200, u.text);
      assert.equal(u.body.data.status, 'active');
    }
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/unsuspend`, { body: { type: 'billing' } })).status, 409);
    assert.equal((await t.call('DELETE', `/api/accounts/${id}`)).status, 204);
    assert.equal(await countRows(t, 'accounts', 'id = ?', [id]), 0);
  });
});
