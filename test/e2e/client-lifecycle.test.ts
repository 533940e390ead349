import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLIENT_SUSPENDED_REASON } from '../../src/accounts/client-lifecycle.service';
import { countRows, createAccount } from '../support/accounts';
import { basic } from '../support/plesk';
import { CallResult, startTestApp, TestApp } from '../support/test-app';
import { leftovers, readRoot } from '../provisioning/support';

interface Owned {
  client: { id: number; guid: string };
  accounts: { id: number; username: string; domain: string }[];
}

let n = 0;

describe('client lifecycle: one rule for the native API and both Plesk dialects', () => {
  let t: TestApp;
  let root: string;
  let resellerKey: string;
  let restAuth: string;

  /** A client with two accounts: the first active, the second suspended on its own (an unpaid invoice). */
  async function clientWithAccounts(): Promise<Owned> {
    n += 1;
    const created = await t.call('POST', '/api/v1/clients', {
      body: { name: `Owner ${n}`, login: `owner.${n}`, email: `owner${n}@example.com`, password: 'owner-pass' },
    });
    assert.equal(created.status, 201, created.text);
    const client = created.body.data;
    const accounts = [await createAccount(t, { client_id: client.id }), await createAccount(t, { client_id: client.id })];
    assert.equal((await t.call('POST', `/api/v1/accounts/${accounts[1].id}/suspend`, { body: { reason: 'Overdue invoice #9' } })).status, 200);
    return { client, accounts };
  }

  /** The client's status and each account's status and reason, oldest account first. */
  async function states(owned: Owned): Promise<unknown> {
    const client = await t.call('GET', `/api/v1/clients/${owned.client.id}`);
    const accounts = await t.call('GET', `/api/v1/clients/${owned.client.id}/accounts`);
    return {
      client: client.body.data.status,
      accounts: accounts.body.data.map((a: { status: string; suspend_reason: string | null }) => ({ status: a.status, suspend_reason: a.suspend_reason })),
    };
  }

  const reseller = (path: string) => t.call('POST', path, { token: null, headers: { 'x-api-key': resellerKey } });
  const rest = (path: string, body?: unknown) => t.call('PUT', path, { token: null, body, headers: { authorization: restAuth } });
  const dialects: Record<string, { suspend: (o: Owned) => Promise<CallResult>; unsuspend: (o: Owned) => Promise<CallResult> }> = {
    'native POST suspend/unsuspend': {
      suspend: (o) => t.call('POST', `/api/v1/clients/${o.client.id}/suspend`),
      unsuspend: (o) => t.call('POST', `/api/v1/clients/${o.client.id}/unsuspend`),
    },
    'native PATCH status': {
      suspend: (o) => t.call('PATCH', `/api/v1/clients/${o.client.id}`, { body: { status: 'suspended' } }),
      unsuspend: (o) => t.call('PATCH', `/api/v1/clients/${o.client.id}`, { body: { status: 'active' } }),
    },
    'reseller /API/plesk/clients/{id}/suspend|unsuspend': {
      suspend: (o) => reseller(`/API/plesk/clients/${o.client.guid}/suspend`),
      unsuspend: (o) => reseller(`/API/plesk/clients/${o.client.guid}/unsuspend`),
    },
    'REST v2 PUT …/suspend|activate': {
      suspend: (o) => rest(`/api/v2/clients/${o.client.id}/suspend`),
      unsuspend: (o) => rest(`/api/v2/clients/${o.client.id}/activate`),
    },
    'REST v2 PUT status 16/0': {
      suspend: (o) => rest(`/api/v2/clients/${o.client.id}`, { status: 16 }),
      unsuspend: (o) => rest(`/api/v2/clients/${o.client.id}`, { status: 0 }),
    },
  };

  before(async () => {
    t = await startTestApp();
    root = t.config.provisioning.rootDir;
    resellerKey = await t.createToken(['clients:write', 'accounts:write'], 'reseller');
    restAuth = basic(await t.createToken(['clients:write', 'accounts:write'], 'plesk-rest'));
  });
  after(() => t.close());

  test('suspending a client natively, through the reseller dialect and through REST v2 leaves its accounts in the same states; unsuspending keeps an account suspended on its own suspended', async () => {
    const suspended: Record<string, unknown> = {};
    const unsuspended: Record<string, unknown> = {};
    for (const [dialect, call] of Object.entries(dialects)) {
      const owned = await clientWithAccounts();
      for (let i = 0; i < 2; i++) assert.equal((await call.suspend(owned)).status, 200, `${dialect}: suspend (twice: idempotent)`);
      suspended[dialect] = await states(owned);
      assert.match(readRoot(root, `etc/nginx/sites-available/${owned.accounts[0].domain}.conf`)!, /return 503/, `${dialect}: suspended on the server too`);
      for (let i = 0; i < 2; i++) assert.equal((await call.unsuspend(owned)).status, 200, `${dialect}: unsuspend (twice: idempotent)`);
      unsuspended[dialect] = await states(owned);
      assert.doesNotMatch(readRoot(root, `etc/nginx/sites-available/${owned.accounts[0].domain}.conf`)!, /return 503/, `${dialect}: back on the server`);
    }
    const every = (state: unknown) => Object.fromEntries(Object.keys(dialects).map((d) => [d, state]));
    assert.deepEqual(
      suspended,
      every({
        client: 'suspended',
        accounts: [
          { status: 'suspended', suspend_reason: CLIENT_SUSPENDED_REASON },
          { status: 'suspended', suspend_reason: 'Overdue invoice #9' },
        ],
      }),
    );
    assert.deepEqual(
      unsuspended,
      every({
        client: 'active',
        accounts: [
          { status: 'active', suspend_reason: null },
          { status: 'suspended', suspend_reason: 'Overdue invoice #9' },
        ],
      }),
    );
  });

  test('native DELETE of a client with accounts → 409 and nothing changes; with ?cascade=true → 204, its accounts deprovisioned (files gone) and deleted, then the client', async () => {
    const owned = await clientWithAccounts();
    for (const account of owned.accounts) assert.notDeepEqual(leftovers(root, { ...account, email: '', phpVersion: '8.2' }), [], 'provisioned');

    const refused = await t.call('DELETE', `/api/v1/clients/${owned.client.id}`);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error, 'conflict');
    assert.equal(await countRows(t, 'accounts', 'client_id = ?', [owned.client.id]), 2);
    assert.equal(await countRows(t, 'clients', 'id = ?', [owned.client.id]), 1);

    const removed = await t.call('DELETE', `/api/v1/clients/${owned.client.id}?cascade=true`);
    assert.equal(removed.status, 204, removed.text);
    assert.equal(removed.text, '');
    for (const account of owned.accounts) {
      assert.deepEqual(leftovers(root, { ...account, email: '', phpVersion: '8.2' }), [], `${account.username}: nothing left on the server`);
      assert.equal(await countRows(t, 'accounts', 'id = ?', [account.id]), 0);
    }
    assert.equal(await countRows(t, 'clients', 'id = ?', [owned.client.id]), 0);
    assert.equal((await t.call('DELETE', `/api/v1/clients/${owned.client.id}?cascade=true`)).status, 404);
    assert.equal((await t.call('DELETE', `/api/v1/clients/${owned.client.id}?cascade=yes`)).status, 422);
  });

  test('reaching the accounts needs accounts:write: clients:write alone may rename a client, not suspend it or delete it with its accounts', async () => {
    const owned = await clientWithAccounts();
    const token = await t.createToken(['clients:write'], 'clients-only');
    const as = (method: string, url: string, body?: unknown) => t.call(method, url, { token, body });
    assert.equal((await as('PATCH', `/api/v1/clients/${owned.client.id}`, { name: 'Renamed' })).status, 200);
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/clients/${owned.client.id}`, { status: 'suspended' }],
      ['POST', `/api/v1/clients/${owned.client.id}/suspend`, undefined],
      ['DELETE', `/api/v1/clients/${owned.client.id}?cascade=true`, undefined],
    ] as const) {
      const r = await as(method, url, body);
      assert.equal(r.status, 403, `${method} ${url}`);
      assert.equal(r.body.error, 'forbidden');
    }
    assert.deepEqual(await states(owned), {
      client: 'active',
      accounts: [
        { status: 'active', suspend_reason: null },
        { status: 'suspended', suspend_reason: 'Overdue invoice #9' },
      ],
    });
  });
});
