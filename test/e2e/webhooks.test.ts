import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error';
import { AccountProvisioner, AccountTarget, markUnchanged, PlanPreview } from '../../src/provisioning/provisioning.port';
import { accountBody, countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Fast polling and retries (and no rate limit on the polling reads); the test receivers listen on 127.0.0.1, which only this allows. */
const FAST = {
  HW_RATE_LIMIT: '1000000',
  HW_WEBHOOK_POLL_MS: '50',
  HW_WEBHOOK_RETRY_BASE_MS: '300',
  HW_WEBHOOK_RETRY_MAX_MS: '1000',
  HW_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
};

/** A provisioner that succeeds, or fails creates while `failCreates` (the server unchanged). */
class SwitchableProvisioner extends AccountProvisioner {
  failCreates = false;
  async create(): Promise<void> {
    if (this.failCreates) throw markUnchanged(new DomainError('agent_unreachable', 'The agent did not answer'));
  }
  async suspend(): Promise<void> {}
  async unsuspend(): Promise<void> {}
  async remove(): Promise<void> {}
  async changePhpVersion(): Promise<void> {}
  async changePassword(): Promise<void> {}
  async removeMailbox(): Promise<void> {}
  async plan(t: AccountTarget): Promise<PlanPreview> {
    return { steps: ['user'], files: [], records: [], commands: [['useradd', t.username]] };
  }
}

async function addWebhook(t: TestApp, receiver: WebhookReceiver, eventTypes: string[] = ['*']): Promise<{ id: number; secret: string }> {
  const r = await t.call('POST', '/api/v1/webhooks', { body: { url: receiver.url, event_types: eventTypes } });
  assert.equal(r.status, 201, r.text);
  receiver.secret = r.body.data.secret;
  return r.body.data;
}

async function deliveries(t: TestApp, webhookId: number): Promise<any[]> {
  const r = await t.call('GET', `/api/v1/webhooks/${webhookId}/deliveries?limit=100`);
  assert.equal(r.status, 200, r.text);
  return r.body.data;
}

let clients = 0;
async function createClient(t: TestApp): Promise<{ id: number }> {
  clients += 1;
  const name = `hook${process.pid.toString(36)}c${clients}`;
  const r = await t.call('POST', '/api/v1/clients', { body: { name: `Hook ${clients}`, login: name, email: `${name}@example.com`, password: 'client-pass' } });
  assert.equal(r.status, 201, r.text);
  return r.body.data;
}

describe('webhooks: endpoints, signed in-order delivery from the outbox, retries', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const receiver = async (): Promise<WebhookReceiver> => {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  };

  before(async () => {
    t = await startTestApp({ env: FAST });
  });
  after(async () => {
    await t.close();
    for (const r of receivers) await r.close();
  });

  test('the secret is answered once (whsec_, Standard Webhooks), kept sealed, never read back; webhooks:* scopes', async () => {
    const r = await receiver();
    const created = await t.call('POST', '/api/v1/webhooks', { body: { url: r.url, event_types: ['account.created', 'client.created', 'account.created'] } });
    assert.equal(created.status, 201, created.text);
    const { id, secret } = created.body.data;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(created.body.data.event_types, ['account.created', 'client.created']);
    assert.equal(created.body.data.enabled, true);
    assert.equal(created.body.data.disabled_reason, null);

    const read = await t.call('GET', `/api/v1/webhooks/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.secret, undefined);
    assert.doesNotMatch(read.text, /whsec_/);
    const list = await t.call('GET', '/api/v1/webhooks');
    assert.doesNotMatch(list.text, /whsec_/);
    const [row] = await t.get(DataSource).query('SELECT secret_sealed FROM webhook_endpoints WHERE id = ?', [id]);
    assert.match(row.secret_sealed, /^v1\./);
    assert.ok(!row.secret_sealed.includes(secret.slice(6)));

    const patched = await t.call('PATCH', `/api/v1/webhooks/${id}`, { body: { event_types: ['*'], enabled: false } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.data.event_types, patched.body.data.enabled, patched.body.data.disabled_reason], [['*'], false, 'disabled by the operator']);
    assert.doesNotMatch(patched.text, /whsec_/);
    const enabled = await t.call('PATCH', `/api/v1/webhooks/${id}`, { body: { enabled: true } });
    assert.deepEqual([enabled.body.data.enabled, enabled.body.data.disabled_reason], [true, null]);

    const bad = await t.call('POST', '/api/v1/webhooks', { body: { url: r.url, event_types: ['account.exploded'] } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.details[0].field, 'event_types');

    const writer = await t.createToken(['accounts:write', 'clients:write'], 'not-webhooks');
    assert.equal((await t.call('GET', '/api/v1/webhooks', { token: writer })).status, 403);
    const reader = await t.createToken(['webhooks:read'], 'hooks-reader');
    assert.equal((await t.call('GET', `/api/v1/webhooks/${id}`, { token: reader })).status, 200);
    assert.equal((await t.call('POST', '/api/v1/webhooks', { token: reader, body: { url: r.url, event_types: ['*'] } })).status, 403);

    assert.equal((await t.call('DELETE', `/api/v1/webhooks/${id}`)).status, 204);
    assert.equal((await t.call('GET', `/api/v1/webhooks/${id}`)).status, 404);
  });

  test('account and client lifecycles through the API: every change arrives once, verified, in order per resource, with actor and request id', async () => {
    const r = await receiver();
    const hook = await addWebhook(t, r);
    const token = await t.createToken(['accounts:write', 'clients:write'], 'billing');
    const call = (method: string, url: string, body?: unknown) => t.call(method, url, { token, body });

    const client = await createClient(t);
    assert.equal((await call('PATCH', `/api/v1/clients/${client.id}`, { company: 'Hook Ltd' })).status, 200);
    const createdAccount = await call('POST', '/api/v1/accounts', accountBody({ client_id: client.id }));
    assert.equal(createdAccount.status, 201, createdAccount.text);
    const account = createdAccount.body.data;
    const requestId = createdAccount.headers['x-request-id'];
    assert.equal((await call('PATCH', `/api/v1/accounts/${account.id}`, { email: 'changed@example.net' })).status, 200);
    assert.equal((await call('POST', `/api/v1/accounts/${account.id}/suspend`, { reason: 'Overdue invoice' })).status, 200);
    assert.equal((await call('POST', `/api/v1/accounts/${account.id}/unsuspend`)).status, 200);
    assert.equal((await call('POST', `/api/v1/clients/${client.id}/suspend`)).status, 200);
    assert.equal((await call('POST', `/api/v1/clients/${client.id}/unsuspend`)).status, 200);
    assert.equal((await call('DELETE', `/api/v1/accounts/${account.id}`)).status, 204);
    assert.equal((await call('DELETE', `/api/v1/clients/${client.id}`)).status, 204);

    const accountEvents = [
      'account.created',
      'account.updated',
      'account.suspended',
      'account.unsuspended',
      'account.suspended',
      'account.unsuspended',
      'account.deleted',
    ];
    const clientEvents = ['client.created', 'client.updated', 'client.suspended', 'client.unsuspended', 'client.deleted'];
    await waitFor(() => r.unique().length >= accountEvents.length + clientEvents.length, 'every event delivered');
    assert.deepEqual(r.ofResource(`account:${account.id}`), accountEvents);
    assert.deepEqual(r.ofResource(`client:${client.id}`), clientEvents);
    assert.equal(r.rejected, 0);
    // Exactly once: no id twice, and no event the API did not cause.
    assert.equal(r.events.length, r.unique().length);
    assert.equal(r.unique().length, accountEvents.length + clientEvents.length);

    const created = r.unique().find((e) => e.type === 'account.created')!;
    const view = created.payload.data;
    assert.deepEqual([view.id, view.username, view.status, view.client_id], [account.id, account.username, 'active', client.id]);
    assert.ok(view.guid && view.php_version && view.updated_at, 'the native AccountView, not the create answer');
    assert.equal(view.password_hash, undefined);
    assert.deepEqual(created.payload.actor, { type: 'token', token_id: created.payload.actor.token_id, token_name: 'billing', dialect: 'native' });
    assert.ok(Number.isInteger(created.payload.actor.token_id));
    assert.equal(created.payload.request_id, requestId);
    assert.match(created.payload.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(r.unique().filter((e) => e.type === 'account.suspended')[1].payload.data.suspend_reason, 'suspended with its client');
    assert.equal(r.unique().find((e) => e.type === 'client.updated')!.payload.data.company, 'Hook Ltd');

    const rows = await deliveries(t, hook.id);
    assert.equal(rows.length, accountEvents.length + clientEvents.length);
    for (const row of rows) {
      assert.deepEqual([row.status, row.attempts, row.response_status, row.next_attempt_at, row.last_error], ['delivered', 1, 200, null, null]);
      assert.ok(Number.isInteger(row.latency_ms));
    }
    assert.deepEqual(new Set(rows.map((row) => row.event_id)), new Set(r.unique().map((e) => e.id)));
  });

  test('a receiver answering 500 then 200: retried with backoff, attempts counted, same webhook-id; later events of the account wait', async () => {
    const r = await receiver();
    const hook = await addWebhook(t, r, ['account.created', 'account.updated']);
    let failures = 1;
    r.answer = (event) => (event.type === 'account.created' && failures-- > 0 ? { status: 500 } : { status: 200 });
    const account = await createAccount(t);
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { email: 'later@example.net' } })).status, 200);
    await waitFor(() => r.unique().length === 2, 'both events delivered');
    assert.deepEqual(r.ofResource(`account:${account.id}`), ['account.created', 'account.updated']);
    const [first, second] = r.arrivals.filter((e) => e.type === 'account.created');
    assert.equal(first.id, second.id);
    assert.ok(second.at - first.at >= 150, `the retry waited half the base delay at least (${second.at - first.at} ms)`);
    // account.updated was committed while account.created was failing: it was not sent before it.
    const updatedAt = r.arrivals.find((e) => e.type === 'account.updated')!.at;
    assert.ok(updatedAt >= second.at);
    const rows = await deliveries(t, hook.id);
    const created = rows.find((row) => row.event_type === 'account.created');
    assert.deepEqual([created.status, created.attempts, created.response_status, created.last_error], ['delivered', 2, 200, null]);
    assert.equal(rows.find((row) => row.event_type === 'account.updated').attempts, 1);
  });

  test('ping sends a verified webhook.ping; redeliver sends the same webhook-id again as a new delivery', async () => {
    const r = await receiver();
    const hook = await addWebhook(t, r, ['client.created']);
    const ping = await t.call('POST', `/api/v1/webhooks/${hook.id}/ping`);
    assert.equal(ping.status, 202, ping.text);
    assert.equal(ping.body.data.status, 'pending');
    await waitFor(() => r.events.find((e) => e.type === 'webhook.ping'), 'the ping');
    assert.equal(r.events[0].id, ping.body.data.event_id);

    await createClient(t);
    await waitFor(() => r.events.find((e) => e.type === 'client.created'), 'client.created');
    const original = (await deliveries(t, hook.id)).find((row) => row.event_type === 'client.created');
    const again = await t.call('POST', `/api/v1/webhooks/${hook.id}/deliveries/${original.id}/redeliver`);
    assert.equal(again.status, 202, again.text);
    assert.notEqual(again.body.data.id, original.id);
    await waitFor(() => r.events.filter((e) => e.id === original.event_id).length === 2, 'the redelivery');
    const rows = (await deliveries(t, hook.id)).filter((row) => row.event_id === original.event_id);
    assert.deepEqual(
      rows.map((row) => row.status),
      ['delivered', 'delivered'],
    );
    assert.equal((await t.call('POST', `/api/v1/webhooks/${hook.id}/deliveries/999999/redeliver`)).status, 404);
  });

  test('a redirect is not followed: the attempt fails (3xx), the target never hears of it, the delivery retries', async () => {
    const target = await receiver();
    const r = await receiver();
    const hook = await addWebhook(t, r, ['client.created']);
    target.secret = r.secret;
    r.answer = () => ({ status: 302, headers: { location: target.url } });
    await createClient(t);
    await waitFor(async () => (await deliveries(t, hook.id))[0]?.attempts >= 2, 'two attempts');
    const [row] = await deliveries(t, hook.id);
    assert.equal(row.status, 'pending');
    assert.equal(row.response_status, 302);
    assert.match(row.last_error, /redirects are not followed/);
    assert.ok(row.next_attempt_at);
    assert.equal(target.requests, 0);
    assert.equal((await t.call('DELETE', `/api/v1/webhooks/${hook.id}`)).status, 204);
  });
});

describe('webhooks: rolled-back creates, failing endpoints', () => {
  let t: TestApp;
  const provisioner = new SwitchableProvisioner();
  let r: WebhookReceiver;

  before(async () => {
    r = await WebhookReceiver.start();
    // Disabled after 2.6 seconds of failures instead of 3 days.
    t = await startTestApp({ env: { ...FAST, HW_WEBHOOK_DISABLE_AFTER_DAYS: '0.00003' }, override: (b) => b.overrideProvider(AccountProvisioner).useValue(provisioner) });
  });
  after(async () => {
    await t.close();
    await r.close();
  });

  test('a create whose provisioning fails → account.provisioning_failed, never account.created; a dry run records nothing', async () => {
    const hook = await addWebhook(t, r, ['account.created', 'account.provisioning_failed']);
    const dry = await t.call('POST', '/api/v1/accounts?dry_run=true', { body: accountBody() });
    assert.equal(dry.status, 200, dry.text);
    provisioner.failCreates = true;
    const body = accountBody();
    const failed = await t.call('POST', '/api/v1/accounts', { body });
    provisioner.failCreates = false;
    assert.equal(failed.status, 503, failed.text);
    const ok = await createAccount(t);
    await waitFor(() => r.unique().length === 2, 'two events');
    assert.deepEqual(
      r.unique().map((e) => [e.type, e.payload.data.username]),
      [
        ['account.provisioning_failed', body.username],
        ['account.created', ok.username],
      ],
    );
    assert.equal(r.unique()[0].payload.data.status, 'provisioning');
    assert.equal(await countRows(t, 'outbox_events', "type = 'account.created'"), 1);
    assert.equal((await deliveries(t, hook.id)).length, 2);
    assert.equal((await t.call('DELETE', `/api/v1/webhooks/${hook.id}`)).status, 204);
  });

  test('an endpoint failing continuously for HW_WEBHOOK_DISABLE_AFTER_DAYS is disabled, saying why; its deliveries wait', async () => {
    const failing = await WebhookReceiver.start();
    try {
      const hook = await addWebhook(t, failing, ['client.created']);
      failing.answer = () => ({ status: 503 });
      await createClient(t);
      const disabled = await waitFor(async () => {
        const read = await t.call('GET', `/api/v1/webhooks/${hook.id}`);
        return read.body.data.enabled === false && read.body.data;
      }, 'the endpoint disabled');
      assert.match(disabled.disabled_reason, /^every delivery failed since \d{4}-.*Z \(more than 0\.00003 days\); last error: answered HTTP 503$/);
      assert.ok(disabled.failing_since);
      const [row] = await deliveries(t, hook.id);
      assert.ok(row.attempts >= 2);
      const attempts = failing.requests;
      await createClient(t);
      await waitFor(async () => (await countRows(t, 'outbox_events', 'dispatched = 0')) === 0, 'fan-out');
      assert.equal((await deliveries(t, hook.id)).length, 1, 'a disabled endpoint gets no new deliveries');
      assert.equal(failing.requests, attempts);
    } finally {
      await failing.close();
    }
  });
});

describe('webhooks: a restart between commit and delivery', () => {
  test('the app stops while the receiver holds the first attempt; after a restart on the same database the event is delivered, once', async () => {
    const r = await WebhookReceiver.start();
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-webhooks-restart-'));
    let first: TestApp | undefined = await startTestApp({ env: FAST, database, dataDir });
    let second: TestApp | undefined;
    try {
      const hook = await addWebhook(first, r, ['client.created', 'client.updated']);
      r.answer = () => 'stall';
      const client = await createClient(first);
      assert.equal((await first.call('PATCH', `/api/v1/clients/${client.id}`, { body: { company: 'After restart' } })).status, 200);
      await waitFor(() => r.arrivals.length === 1, 'the first attempt in flight');
      await first.close(true);
      first = undefined;
      r.answer = () => ({ status: 200 });

      second = await startTestApp({ env: FAST, database, dataDir });
      await waitFor(() => r.unique().length === 2, 'both events after the restart');
      assert.deepEqual(r.ofResource(`client:${client.id}`), ['client.created', 'client.updated']);
      assert.equal(r.arrivals[0].id, r.unique()[0].id, 'the same webhook-id as the attempt the stop cut off');
      const rows = await deliveries(second, hook.id);
      assert.deepEqual(
        rows.map((row) => [row.event_type, row.status, row.attempts]),
        [
          ['client.created', 'delivered', 1],
          ['client.updated', 'delivered', 1],
        ],
      );
    } finally {
      await first?.close();
      await second?.close();
      await r.close();
    }
  });

  test('the destination is checked again at every delivery: allowed at create, refused after a restart without HW_WEBHOOK_ALLOW_CIDRS', async () => {
    const r = await WebhookReceiver.start();
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-webhooks-recheck-'));
    let first: TestApp | undefined = await startTestApp({ env: FAST, database, dataDir });
    let second: TestApp | undefined;
    try {
      const hook = await addWebhook(first, r, ['client.created']);
      await first.close(true);
      first = undefined;
      const { HW_WEBHOOK_ALLOW_CIDRS: _allowed, ...strict } = FAST;
      second = await startTestApp({ env: strict, database, dataDir });
      await createClient(second);
      const row = await waitFor(async () => (await deliveries(second!, hook.id)).find((d) => d.attempts >= 1), 'an attempt');
      assert.match(row.last_error, /^destination refused: the host 127\.0\.0\.1 resolves to 127\.0\.0\.1/);
      assert.equal(row.response_status, null);
      assert.equal(r.requests, 0);
    } finally {
      await first?.close();
      await second?.close();
      await r.close();
    }
  });
});

describe('webhooks: no SSRF', () => {
  let t: TestApp;
  before(async () => {
    const { HW_WEBHOOK_ALLOW_CIDRS: _allowed, ...strict } = FAST;
    t = await startTestApp({ env: strict });
  });
  after(() => t.close());

  const hostile = [
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://100.64.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fe80::1]/hook',
    'http://[fc00::1]/hook',
    'http://0.0.0.0/hook',
    'http://0x7f000001/hook',
    'http://2130706433/hook',
    'http://224.0.0.1/hook',
  ];
  for (const url of hostile) {
    test(`refused at create: ${url}`, async () => {
      const r = await t.call('POST', '/api/v1/webhooks', { body: { url, event_types: ['*'] } });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.body.details[0].field, 'url');
      assert.match(r.body.details[0].message, /loopback, private, link-local or reserved/);
    });
  }

  test('only http and https, no credentials in the URL, a host that resolves', async () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://example.com/',
      'http://user:pass@example.com/',
      'not a url',
      'http://no-such-host.invalid/',
    ]) {
      const r = await t.call('POST', '/api/v1/webhooks', { body: { url, event_types: ['*'] } });
      assert.equal(r.status, 422, `${url}: ${r.text}`);
      assert.equal(r.body.details[0].field, 'url');
    }
    assert.equal(await countRows(t, 'webhook_endpoints'), 0);
  });

  test('a PATCH to a hostile URL is refused too', async () => {
    // An endpoint as an operator could have made it when a range was allowed.
    await t
      .get(DataSource)
      .query(
        "INSERT INTO webhook_endpoints (url, event_types, secret_sealed, enabled, since_event_id, created_at, updated_at) VALUES ('https://hooks.example.com/', '[\"*\"]', 'v1.x.y.z', 1, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
      );
    const [{ id }] = await t.get(DataSource).query('SELECT id FROM webhook_endpoints');
    const r = await t.call('PATCH', `/api/v1/webhooks/${id}`, { body: { url: 'http://169.254.169.254/' } });
    assert.equal(r.status, 422, r.text);
    const [row] = await t.get(DataSource).query('SELECT url FROM webhook_endpoints WHERE id = ?', [id]);
    assert.equal(row.url, 'https://hooks.example.com/');
  });
});
