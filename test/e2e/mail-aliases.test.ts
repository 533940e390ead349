import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

const ALIAS_KEYS = ['account_id', 'address', 'created_at', 'destinations', 'domain', 'id', 'local_part', 'updated_at'];

describe('mail aliases (forwarders): API, grammar, no relay for other domains, no loops, the rows Postfix reads', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const rows = async (domain: string): Promise<{ local_part: string; destinations: string }[]> =>
    t.get(DataSource).query('SELECT local_part, destinations FROM mail_aliases WHERE domain = ? ORDER BY local_part', [domain]);
  const base = (id: number) => `/api/v1/accounts/${id}/mail/aliases`;

  test('POST/GET/DELETE: shapes, the row Postfix reads (comma-separated, lowercased, deduplicated), 409 on a taken address, 404 after delete', async () => {
    const { id, domain } = await createAccount(t);
    const created = await t.call('POST', base(id), { body: { local_part: 'sales', destinations: [`info@${domain}`, 'Boss@Example.NET', 'boss@example.net'] } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body.data).sort(), ALIAS_KEYS);
    assert.deepEqual(created.body.data, {
      ...created.body.data,
      account_id: id,
      address: `sales@${domain}`,
      local_part: 'sales',
      domain,
      destinations: [`info@${domain}`, 'boss@example.net'],
    });
    assert.deepEqual(await rows(domain), [{ local_part: 'sales', destinations: `info@${domain},boss@example.net` }]);
    assert.deepEqual((await t.call('GET', base(id))).body.data, [created.body.data]);
    assert.deepEqual((await t.call('GET', `${base(id)}/sales`)).body.data, created.body.data);
    assert.equal((await t.call('POST', base(id), { body: { local_part: 'sales', destinations: ['x@example.net'] } })).status, 409);

    assert.equal((await t.call('DELETE', `${base(id)}/sales`)).status, 204);
    assert.deepEqual(await rows(domain), []);
    assert.equal((await t.call('GET', `${base(id)}/sales`)).status, 404);
    assert.equal((await t.call('DELETE', `${base(id)}/sales`)).status, 404);
    assert.equal((await t.call('GET', base(999999))).status, 404);
  });

  test('a forwarder never has a mailbox’s address, nor a mailbox a forwarder’s (the alias would hide the mailbox): 409 both ways', async () => {
    const { id, username, domain } = await createAccount(t);
    const onPrimary = await t.call('POST', base(id), { body: { local_part: username, destinations: ['x@example.net'] } });
    assert.equal(onPrimary.status, 409, onPrimary.text);
    assert.equal(onPrimary.body.details[0].field, 'local_part');
    assert.equal((await t.call('POST', base(id), { body: { local_part: 'team', destinations: ['x@example.net'] } })).status, 201);
    const box = await t.call('POST', `/api/v1/accounts/${id}/mailboxes`, { body: { local_part: 'team', password: 'Team-Box-Pass-1' } });
    assert.equal(box.status, 409, box.text);
    assert.deepEqual(
      (await rows(domain)).map((r) => r.local_part),
      ['team'],
    );
  });

  test('grammar: a destination that is not one plain address (a comma list, spaces, no @), the forwarder itself, none or too many → 422, nothing stored', async () => {
    const { id, domain } = await createAccount(t);
    const bad: unknown[] = [
      [],
      ['a@example.net,b@example.org'],
      ['a@example.net b@example.org'],
      ['not-an-address'],
      ['a@'],
      [`loop@${domain}`],
      [`LOOP@${domain.toUpperCase()}`],
      'a@example.net',
      [42],
      Array.from({ length: 21 }, (_, i) => `n${i}@example.net`),
    ];
    const loop = await t.call('POST', base(id), { body: { local_part: 'loop', destinations: ['x@example.net', `loop@${domain}`] } });
    assert.deepEqual(loop.body.details, [{ field: 'destinations', message: `The forwarder loop@${domain} cannot deliver to itself` }]);
    for (const destinations of bad) {
      const r = await t.call('POST', base(id), { body: { local_part: 'loop', destinations } });
      assert.equal(r.status, 422, `${JSON.stringify(destinations)}: ${r.text}`);
    }
    for (const local_part of ['Sales', 'a..b', '.a', 'a+b', 'x'.repeat(65), 'a@b', '']) {
      const r = await t.call('POST', base(id), { body: { local_part, destinations: ['x@example.net'] } });
      assert.equal(r.status, 422, JSON.stringify(local_part));
    }
    assert.deepEqual(await rows(domain), []);
  });

  test('the domain is always the account’s: a local part only, so no forwarder for another domain (no open relay); suspended still editable; account delete takes them', async () => {
    const { id, domain } = await createAccount(t);
    const other = await createAccount(t);
    const r = await t.call('POST', base(id), { body: { local_part: 'fwd', destinations: ['x@example.net'], domain: other.domain } });
    assert.equal(r.status, 422, r.text);
    assert.deepEqual(await rows(other.domain), []);
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`, { body: {} })).status, 200);
    assert.equal((await t.call('POST', base(id), { body: { local_part: 'later', destinations: ['y@example.net'] } })).status, 201);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${id}`)).status, 204);
    assert.deepEqual(await rows(domain), []);
  });
});
