import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { CLIENT_SUSPENDED_REASON } from '../../src/accounts/client-lifecycle.service';
import { TokensService } from '../../src/auth/tokens.service';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { MIGRATIONS } from '../../src/platform/database/migrations';
import { AccountSuspensions1732500800000 } from '../../src/platform/database/migrations/1732500800000-AccountSuspensions';
import { disagreements } from '../provisioning/agreement';
import { countingCommand, loggedRuns, readRoot } from '../provisioning/support';
import { createAccount } from '../support/accounts';
import { agent, packet, text } from '../support/plesk-xml';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

type Suspension = { type: string; reason: string | null; since: string };

describe('suspensions by reason: several in force, each lifted only by its own type', () => {
  let t: TestApp;
  let root: string;
  let dir: string;
  let opterius: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'suspensions-cmds-'));
    t = await startTestApp({ env: { HW_NGINX_RELOAD_CMD: countingCommand(dir, 'nginx-reload'), HW_RATE_LIMIT: '1000000' } });
    root = t.config.provisioning.rootDir;
    opterius = (await t.get(TokensService).create({ name: 'whmcs-opterius', scopes: ['accounts:write'], dialect: 'opterius' })).secret;
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const native = (id: number, verb: 'suspend' | 'unsuspend', body?: unknown) => t.call('POST', `/api/v1/accounts/${id}/${verb}`, { body });
  const op = (verb: 'suspend' | 'unsuspend', username: string, body: Record<string, unknown> = {}) =>
    t.call('POST', `/api/v1/accounts/${verb}`, { body: { username, ...body }, token: opterius });
  const view = async (id: number) =>
    (await t.call('GET', `/api/v1/accounts/${id}`)).body.data as { status: string; suspend_reason: string | null; suspensions: Suspension[] };
  const types = (list: Suspension[]) => list.map((s) => s.type);
  const served = (domain: string) => !readRoot(root, `etc/nginx/sites-available/${domain}.conf`)!.includes('return 503');
  const reloads = () => loggedRuns(dir, 'nginx-reload');
  const agreeing = async (a: { username: string; domain: string }) => {
    const [row] = await t.get(DataSource).query('SELECT status FROM accounts WHERE username = ?', [a.username]);
    return disagreements(root, [{ ...a, status: row?.status }]);
  };

  test('abuse then billing; the billing unsuspend (Opterius) leaves it suspended and says why; the abuse lift (native) serves it again', async () => {
    const a = await createAccount(t);
    const before = reloads();
    const abuse = await native(a.id, 'suspend', { type: 'abuse', reason: 'Spam complaint #77' });
    assert.equal(abuse.status, 200, abuse.text);
    assert.equal(abuse.body.data.status, 'suspended');
    assert.deepEqual(types(abuse.body.data.suspensions), ['abuse']);
    assert.equal(served(a.domain), false, 'the agent suspended it');
    assert.equal(reloads(), before + 1, 'one agent suspend');

    const billing = await op('suspend', a.username, { reason: 'Invoice #12 overdue' });
    assert.deepEqual(billing.body, { result: 'success', message: 'Account suspended successfully' });
    assert.deepEqual((await op('suspend', a.username)).body, { result: 'success', message: 'Account already suspended' }, 'idempotent per type');
    const both = await view(a.id);
    assert.deepEqual(types(both.suspensions), ['abuse', 'billing']);
    assert.equal(both.suspend_reason, 'Spam complaint #77', 'suspend_reason: why it went down (the oldest in force)');
    assert.equal(reloads(), before + 1, 'no agent call for a second type');

    const lifted = await op('unsuspend', a.username);
    assert.equal(lifted.status, 200, lifted.text);
    assert.equal(lifted.body.result, 'warning');
    assert.equal(lifted.body.message, 'Account remains suspended (abuse)');
    assert.deepEqual(types(lifted.body.data.suspensions), ['abuse']);
    const again = await op('unsuspend', a.username);
    assert.equal(again.body.result, 'warning', 'a repeated billing unsuspend still says why');
    const still = await view(a.id);
    assert.equal(still.status, 'suspended');
    assert.deepEqual(
      still.suspensions.map((s) => [s.type, s.reason]),
      [['abuse', 'Spam complaint #77']],
    );
    assert.equal(served(a.domain), false, 'still the 503 vhost');
    assert.equal(reloads(), before + 1, 'no agent call for one of two lifted');

    const noType = await native(a.id, 'unsuspend');
    assert.equal(noType.status, 409, 'an unsuspend without type lifts admin only');
    assert.match(noType.body.message, /no admin suspension; it remains suspended \(abuse\)/);

    const back = await native(a.id, 'unsuspend', { type: 'abuse' });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.body.data, { id: a.id, username: a.username, status: 'active', suspensions: [] });
    assert.equal(served(a.domain), true);
    assert.equal(reloads(), before + 2, 'one agent unsuspend, on the last');
    assert.deepEqual(await agreeing(a), []);
    assert.equal((await view(a.id)).suspend_reason, null);
  });

  test('billing (Opterius) then abuse (native); lifting abuse first leaves it suspended for billing; the billing unsuspend serves it', async () => {
    const a = await createAccount(t);
    assert.equal((await op('suspend', a.username)).body.result, 'success');
    assert.equal((await native(a.id, 'suspend', { type: 'abuse', reason: 'Phishing page' })).status, 200);
    assert.equal((await native(a.id, 'suspend', { type: 'abuse' })).status, 409, 'the same type twice: 409 on the native API');

    const abuseLifted = await native(a.id, 'unsuspend', { type: 'abuse' });
    assert.equal(abuseLifted.status, 200, abuseLifted.text);
    assert.equal(abuseLifted.body.data.status, 'suspended');
    assert.deepEqual(
      abuseLifted.body.data.suspensions.map((s: Suspension) => [s.type, s.reason]),
      [['billing', 'Suspended by billing system']],
    );
    assert.equal(served(a.domain), false);

    assert.deepEqual((await op('unsuspend', a.username)).body, { result: 'success', message: 'Account unsuspended successfully' });
    assert.deepEqual((await op('unsuspend', a.username)).body, { result: 'success', message: 'Account already active' });
    assert.equal((await view(a.id)).status, 'active');
    assert.equal(served(a.domain), true);
    assert.deepEqual(await agreeing(a), []);
  });

  test('Plesk: XML status 0 and REST "active" lift only their own; XML answers errcode 1023 and REST the status still suspended', async () => {
    const a = await createAccount(t);
    assert.equal((await native(a.id, 'suspend', { type: 'abuse', reason: 'Malware' })).status, 200);
    const set = (status: number) =>
      agent(
        t,
        t.adminToken,
        packet(`<webspace><set><filter><id>${a.id}</id></filter><values><gen_setup><status>${status}</status></gen_setup></values></set></webspace>`),
      );
    assert.equal(text((await set(16)).root, 'webspace/set/result/status'), 'ok');
    assert.deepEqual(types((await view(a.id)).suspensions), ['abuse', 'admin']);
    const zero = await set(0);
    assert.equal(text(zero.root, 'webspace/set/result/status'), 'error');
    assert.equal(text(zero.root, 'webspace/set/result/errcode'), '1023');
    assert.equal(text(zero.root, 'webspace/set/result/errtext'), 'Account remains suspended (abuse)');
    assert.deepEqual(types((await view(a.id)).suspensions), ['abuse'], 'its own (admin) was lifted');
    const get = await agent(t, t.adminToken, packet(`<webspace><get><filter><id>${a.id}</id></filter><dataset><gen_info/></dataset></get></webspace>`));
    assert.equal(text(get.root, 'webspace/get/result/data/gen_info/status'), '16');

    const rest = (status: string) => t.call('PUT', `/api/v2/domains/${a.id}/status`, { token: null, headers: { 'x-api-key': t.adminToken }, body: { status } });
    const disabled = await rest('disabled');
    assert.deepEqual(disabled.body, { status: 'disabled' });
    const active = await rest('active');
    assert.equal(active.status, 200, active.text);
    assert.deepEqual(active.body, { status: 'suspended' }, 'the admin suspension is lifted; abuse remains');
    assert.equal(served(a.domain), false);
    assert.equal((await native(a.id, 'unsuspend', { type: 'abuse' })).body.data.status, 'active');
    assert.deepEqual(await agreeing(a), []);
  });

  test('a client suspension and a billing one: lifting either leaves the other; the account is served when both are gone', async () => {
    const client = await t.call('POST', '/api/v1/clients', {
      body: { name: 'Carol Client', login: `carol${process.pid.toString(36)}`, email: 'carol@example.org', password: 'correct horse' },
    });
    assert.equal(client.status, 201, client.text);
    const a = await createAccount(t, { client_id: client.body.data.id });
    const clientCall = (verb: string) => t.call('POST', `/api/v1/clients/${client.body.data.id}/${verb}`);

    assert.equal((await op('suspend', a.username, { reason: 'Overdue' })).body.result, 'success');
    assert.equal((await clientCall('suspend')).status, 200);
    const both = await view(a.id);
    assert.deepEqual(
      both.suspensions.map((s) => [s.type, s.reason]),
      [
        ['billing', 'Overdue'],
        ['client', CLIENT_SUSPENDED_REASON],
      ],
    );
    assert.equal((await clientCall('unsuspend')).status, 200);
    const billingOnly = await view(a.id);
    assert.equal(billingOnly.status, 'suspended', 'the client is active again, its account still owes');
    assert.deepEqual(types(billingOnly.suspensions), ['billing']);
    assert.equal(served(a.domain), false);
    assert.equal((await op('unsuspend', a.username)).body.result, 'success');
    assert.equal(served(a.domain), true);

    // The other order: the client first, then billing; billing's lift leaves the client's.
    assert.equal((await clientCall('suspend')).status, 200);
    assert.equal((await op('suspend', a.username)).body.result, 'success');
    const lifted = await op('unsuspend', a.username);
    assert.equal(lifted.body.message, 'Account remains suspended (client)');
    assert.equal((await clientCall('unsuspend')).status, 200);
    assert.equal((await view(a.id)).status, 'active');
    assert.deepEqual(await agreeing(a), []);
  });

  test('races between dialects are decided by the database: rows, status and files always agree', async () => {
    const a = await createAccount(t);
    const count = async () => Number((await t.get(DataSource).query('SELECT COUNT(*) AS n FROM account_suspensions WHERE account_id = ?', [a.id]))[0].n);
    for (let round = 0; round < 8; round++) {
      // Two lifts at once of the only two suspensions: exactly one is the last, and the account ends active.
      assert.equal((await native(a.id, 'suspend', { type: 'abuse' })).status, 200);
      assert.equal((await op('suspend', a.username)).body.result, 'success');
      const before = reloads();
      const [abuse, billing] = await Promise.all([native(a.id, 'unsuspend', { type: 'abuse' }), op('unsuspend', a.username)]);
      assert.equal(abuse.status, 200, abuse.text);
      assert.equal(billing.status, 200, billing.text);
      assert.equal((await view(a.id)).status, 'active', `round ${round}: both lifted, so it is active`);
      assert.equal(await count(), 0);
      assert.equal(reloads(), before + 1, `round ${round}: one agent unsuspend`);
      assert.deepEqual(await agreeing(a), [], `round ${round}`);

      // Two adds at once on an active account: the first takes it; the other is added or told 409 (another operation held it).
      const [nativeAdd, billingAdd] = await Promise.all([native(a.id, 'suspend', { type: 'abuse' }), op('suspend', a.username)]);
      const added = [nativeAdd.status === 200, billingAdd.status === 200 && billingAdd.body.result === 'success'];
      for (const r of [nativeAdd, billingAdd]) assert.ok(r.status === 200 || r.status === 409, r.text);
      assert.ok(added.some(Boolean), `round ${round}: one add wins`);
      const now = await view(a.id);
      assert.equal(now.status, 'suspended');
      assert.equal(now.suspensions.length, added.filter(Boolean).length, `round ${round}: one row per add that succeeded`);
      assert.equal(await count(), now.suspensions.length);
      assert.deepEqual(await agreeing(a), [], `round ${round}`);

      // Adds and lifts at once on a suspended account; then clean up whatever is left.
      await Promise.all([native(a.id, 'suspend', { type: 'admin' }), native(a.id, 'unsuspend', { type: 'abuse' }), op('unsuspend', a.username)]);
      const mixed = await view(a.id);
      assert.equal(mixed.status === 'suspended', mixed.suspensions.length > 0, `round ${round}: suspended exactly while one is in force`);
      assert.deepEqual(await agreeing(a), [], `round ${round}`);
      for (const s of mixed.suspensions) await native(a.id, 'unsuspend', { type: s.type });
      assert.equal((await view(a.id)).status, 'active');
    }
  });

  test('native body: type defaults to admin both ways; an unknown type is 422', async () => {
    const a = await createAccount(t);
    assert.equal((await native(a.id, 'suspend', { type: 'overdue' })).status, 422);
    assert.equal((await native(a.id, 'unsuspend', { type: 'overdue' })).status, 422);
    const s = await native(a.id, 'suspend');
    assert.deepEqual(types(s.body.data.suspensions), ['admin']);
    assert.equal((await native(a.id, 'unsuspend')).body.data.status, 'active');
  });
});

test('migration: an account suspended under the single flag gets one suspension of the type its reason says', async () => {
  const db = await createTestDatabase();
  const upTo = MIGRATIONS.indexOf(AccountSuspensions1732500800000);
  const old = new DataSource({ ...dataSourceOptions(db.config), migrations: MIGRATIONS.slice(0, upTo), entities: [] });
  await old.initialize();
  await old.runMigrations();
  const insert =
    'INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, suspend_reason, target_status, created_at, updated_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)';
  const rows: [string, string | null, string | null][] = [
    ['suspended', 'Overdue invoice #3', null],
    ['suspended', CLIENT_SUSPENDED_REASON, null],
    ['suspended', 'Suspended by billing system', null],
    ['suspended', 'Plesk status 32: disabled by reseller (XML API)', null],
    ['active', null, null],
    ['suspending', null, 'suspended'],
  ];
  for (const [n, [status, reason, target]] of rows.entries()) {
    await old.query(insert, [
      `00000000-0000-4000-8000-00000000000${n}`,
      `old${n}`,
      `old${n}.example.com`,
      `com.example.old${n}.`,
      'a@example.com',
      'x',
      status,
      '8.2',
      reason,
      target,
      '2026-01-01 00:00:00',
      '2026-02-03 04:05:06',
    ]);
  }
  await old.destroy();
  const t = await startTestApp({ database: db });
  try {
    const found: { username: string; type: string; reason: string | null; actor: string }[] = await t
      .get(DataSource)
      .query('SELECT a.username, s.type, s.reason, s.actor FROM account_suspensions s JOIN accounts a ON a.id = s.account_id ORDER BY a.username');
    assert.deepEqual(
      found.map((r) => [r.username, r.type, r.reason, r.actor]),
      [
        ['old0', 'admin', 'Overdue invoice #3', 'migration'],
        ['old1', 'client', CLIENT_SUSPENDED_REASON, 'migration'],
        ['old2', 'billing', 'Suspended by billing system', 'migration'],
        ['old3', 'billing', 'Plesk status 32: disabled by reseller (XML API)', 'migration'],
        ['old5', 'admin', null, 'migration'],
      ],
    );
    const [{ id }] = await t.get(DataSource).query('SELECT id FROM accounts WHERE username = ?', ['old0']);
    const got = await t.call('GET', `/api/v1/accounts/${id}`);
    assert.equal(got.body.data.status, 'suspended');
    assert.equal(got.body.data.suspend_reason, 'Overdue invoice #3');
    assert.deepEqual(got.body.data.suspensions, [{ type: 'admin', reason: 'Overdue invoice #3', since: '2026-02-03T04:05:06Z' }]);
    const duplicate = t
      .get(DataSource)
      .query("INSERT INTO account_suspensions (account_id, type, reason, actor, created_at) VALUES (?, 'admin', NULL, NULL, '2026-01-01 00:00:00')", [id]);
    await assert.rejects(duplicate, /UNIQUE|Duplicate/i, 'one row per type');
  } finally {
    await t.close();
  }
});
