import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { CertificateRenewalJob } from '../../src/certificates/certificate-renewal.job';
import { sqlDatetime } from '../../src/platform/database/columns';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { MIB } from '../../src/usage/usage.service';
import { Outbox } from '../../src/webhooks/outbox/outbox.service';
import { countRows, createAccount } from '../support/accounts';
import { freePort } from '../support/spawn-server';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';
import { ReceivedEvent, WebhookReceiver } from '../support/webhook-receiver';

const FAST = { HW_RATE_LIMIT: '1000000', HW_WEBHOOK_POLL_MS: '50', HW_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32' };

async function addWebhook(t: TestApp, receiver: WebhookReceiver, eventTypes: string[]): Promise<void> {
  const r = await t.call('POST', '/api/v1/webhooks', { body: { url: receiver.url, event_types: eventTypes } });
  assert.equal(r.status, 201, r.text);
  receiver.secret = r.body.data.secret;
}

/** The account's verified events (once per webhook-id), in arrival order. */
const eventsOf = (r: WebhookReceiver, accountId: number): ReceivedEvent[] => r.unique().filter((e) => (e.payload.data.account_id ?? e.payload.data.id) === accountId);
const typesOf = (r: WebhookReceiver, accountId: number): string[] => eventsOf(r, accountId).map((e) => e.type);

/** The outbox writes its row, then the transaction fails: as if the panel died before the commit. */
function failingAfterRecord(t: TestApp, prefix: string): () => void {
  const outbox = t.get(Outbox);
  const original = outbox.record.bind(outbox);
  outbox.record = async (em, event) => {
    const row = await original(em, event);
    if (event.type.startsWith(prefix)) throw new Error('the transaction fails after the event row was written');
    return row;
  };
  return () => {
    outbox.record = original;
  };
}

describe('webhooks: certificate.* (the self-signed fallback: no nginx, no CA)', () => {
  let t: TestApp;
  let r: WebhookReceiver;

  before(async () => {
    r = await WebhookReceiver.start();
    t = await startTestApp({ env: { ...FAST, HW_ACME_DIRECTORY_URL: `https://127.0.0.1:${await freePort()}/dir`, HW_CERTIFICATE_FALLBACK: 'self-signed' } });
    await addWebhook(t, r, ['certificate.issued', 'certificate.renewed', 'certificate.failed', 'certificate.deleted']);
  });
  after(async () => {
    await t?.close();
    await r?.close();
  });

  test('issue → certificate.issued, force and the renewal job → certificate.renewed, DELETE → certificate.deleted; each the GET view, keyed by the account', async () => {
    const a = await createAccount(t);
    const issued = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(issued.status, 200, issued.text);
    assert.equal(issued.body.data.self_signed, true);
    await waitFor(() => typesOf(r, a.id).length === 1, 'certificate.issued');
    const first = eventsOf(r, a.id)[0];
    assert.equal(first.type, 'certificate.issued');
    assert.deepEqual(first.payload.data, issued.body.data, 'the certificate as GET …/certificate shows it');
    assert.equal(first.payload.data.account_id, a.id);
    assert.equal(first.payload.actor.type, 'token');
    assert.equal(first.payload.request_id, issued.headers['x-request-id']);

    const forced = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { force: true } });
    assert.equal(forced.status, 200, forced.text);
    await t.get(DataSource).query('UPDATE certificates SET next_attempt_at = ? WHERE account_id = ?', [sqlDatetime(new Date(Date.now() - 1000)), a.id]);
    assert.equal(await t.get(CertificateRenewalJob).run(), 1);
    const renewed = (await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).body.data;

    const del = await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`);
    assert.equal(del.status, 204, del.text);
    await waitFor(() => typesOf(r, a.id).length === 4, 'four certificate events');
    assert.deepEqual(typesOf(r, a.id), ['certificate.issued', 'certificate.renewed', 'certificate.renewed', 'certificate.deleted']);
    const [, byForce, byJob, deleted] = eventsOf(r, a.id);
    assert.equal(byForce.payload.data.serial, forced.body.data.serial);
    assert.notEqual(byForce.payload.data.serial, first.payload.data.serial, 'a new certificate');
    assert.equal(byJob.payload.actor.type, 'system', 'the renewal job');
    assert.deepEqual(deleted.payload.data, renewed, 'the certificate that was removed');
    const keys: { resource_key: string }[] = await t
      .get(DataSource)
      .query("SELECT resource_key FROM outbox_events WHERE type LIKE 'certificate.%' AND payload LIKE ?", [`%"account_id":${a.id},%`]);
    assert.deepEqual(
      keys.map((k) => k.resource_key),
      Array(4).fill(`account:${a.id}`),
    );
    assert.equal(r.rejected, 0);
  });

  test('a DELETE whose transaction fails keeps the certificate and reports nothing; the next DELETE reports it once', async () => {
    const a = await createAccount(t);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} })).status, 200);
    await waitFor(() => typesOf(r, a.id).length === 1, 'certificate.issued');
    const restore = failingAfterRecord(t, 'certificate.');
    let failed;
    try {
      failed = await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`);
    } finally {
      restore();
    }
    assert.equal(failed.status, 500, failed.text);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).status, 200, 'the row is still there');
    assert.equal(await countRows(t, 'outbox_events', "type = 'certificate.deleted' AND resource_key = ?", [`account:${a.id}`]), 0);

    // The agent's removal is idempotent: a second DELETE completes it.
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`)).status, 204);
    await waitFor(() => typesOf(r, a.id).length === 2, 'certificate.deleted');
    assert.deepEqual(typesOf(r, a.id), ['certificate.issued', 'certificate.deleted']);
    assert.equal(r.events.filter((e) => e.payload.data.account_id === a.id).length, 2, 'each delivered once');
  });
});

describe('webhooks: certificate.failed (the CA is down, no fallback)', () => {
  let t: TestApp;
  let r: WebhookReceiver;

  before(async () => {
    r = await WebhookReceiver.start();
    t = await startTestApp({ env: { ...FAST, HW_ACME_DIRECTORY_URL: `https://127.0.0.1:${await freePort()}/dir` } });
    await addWebhook(t, r, ['certificate.failed', 'certificate.issued']);
  });
  after(async () => {
    await t?.close();
    await r?.close();
  });

  test('a failed issuance, a failed renewal and an interrupted one each report certificate.failed with the reason', async () => {
    const a = await createAccount(t);
    const failed = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(failed.status, 502, failed.text);
    await waitFor(() => typesOf(r, a.id).length === 1, 'certificate.failed');
    const first = eventsOf(r, a.id)[0];
    assert.equal(first.type, 'certificate.failed');
    assert.deepEqual(first.payload.data, (await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).body.data);
    assert.equal(first.payload.data.status, 'failed');
    assert.match(first.payload.data.last_error, /unreachable: connect ECONNREFUSED/);

    const db = t.get(DataSource);
    await db.query('UPDATE certificates SET next_attempt_at = ? WHERE account_id = ?', [sqlDatetime(new Date(Date.now() - 1000)), a.id]);
    assert.equal(await t.get(CertificateRenewalJob).run(), 1);
    await waitFor(() => typesOf(r, a.id).length === 2, 'the renewal job reports its failure');
    const byJob = eventsOf(r, a.id)[1];
    assert.deepEqual([byJob.type, byJob.payload.data.failures, byJob.payload.actor.type], ['certificate.failed', 2, 'system']);

    // The panel died while an issuance ran: the job's next pass releases it as a failure, then retries it.
    await db.query("UPDATE certificates SET status = 'issuing', next_attempt_at = NULL, updated_at = ? WHERE account_id = ?", [
      sqlDatetime(new Date(Date.now() - 3_600_000)),
      a.id,
    ]);
    assert.equal(await t.get(CertificateRenewalJob).run(), 1);
    await waitFor(() => typesOf(r, a.id).length === 4, 'released, then retried');
    const [, , released, retried] = eventsOf(r, a.id);
    assert.equal(released.type, 'certificate.failed');
    assert.match(released.payload.data.last_error, /interrupted/);
    assert.deepEqual([retried.type, retried.payload.data.failures], ['certificate.failed', 3]);
    assert.equal(r.rejected, 0);
  });
});

describe('webhooks: usage.* once per crossing of a limit', () => {
  let t: TestApp;
  let r: WebhookReceiver;
  let jobs: UsageJobs;
  let root: string;

  before(async () => {
    r = await WebhookReceiver.start();
    t = await startTestApp({ env: { ...FAST, HW_USAGE_DISK_INTERVAL: '0', HW_USAGE_TRAFFIC_INTERVAL: '0' } });
    jobs = t.get(UsageJobs);
    root = t.config.provisioning.rootDir;
    await addWebhook(t, r, ['usage.disk_over_limit', 'usage.disk_back_within_limit', 'usage.bandwidth_over_limit', 'usage.bandwidth_back_within_limit']);
  });
  after(async () => {
    await t?.close();
    await r?.close();
  });

  const fill = (username: string, mib: number) => writeFileSync(join(root, 'home', username, 'public_html/fill.bin'), Buffer.alloc(mib * MIB, 1));
  const patch = async (id: number, body: object) => assert.equal((await t.call('PATCH', `/api/v1/accounts/${id}`, { body })).status, 200);
  const flags = async (id: number) => {
    const rows: Record<string, unknown>[] = await t
      .get(DataSource)
      .query('SELECT disk_over_limit, bandwidth_over_limit FROM usage_limit_flags WHERE account_id = ?', [id]);
    return rows.map((row) => [Boolean(Number(row.disk_over_limit)), Boolean(Number(row.bandwidth_over_limit))])[0] ?? null;
  };
  const outboxCount = (id: number, type: string) => countRows(t, 'outbox_events', 'type = ? AND resource_key = ?', [type, `account:${id}`]);

  test('disk: over the limit → usage.disk_over_limit once, not again on the next pass; a raised limit → usage.disk_back_within_limit', async () => {
    const a = await createAccount(t);
    fill(a.username, 3);
    await patch(a.id, { disk_limit_mb: 1 });
    assert.equal(await jobs.measureDisk(), true);
    await waitFor(() => typesOf(r, a.id).length === 1, 'usage.disk_over_limit');
    const over = eventsOf(r, a.id)[0];
    assert.equal(over.type, 'usage.disk_over_limit');
    const view = (await t.call('GET', `/api/v1/accounts/${a.id}/usage`)).body.data;
    assert.deepEqual({ ...over.payload.data, measured_at: null }, { ...view, measured_at: null }, 'the usage as GET …/usage shows it');
    assert.equal(over.payload.data.disk_over_limit, true);
    assert.equal(over.payload.data.disk_limit_mb, 1);
    assert.equal(over.payload.actor.type, 'system');
    assert.deepEqual(await flags(a.id), [true, false]);

    assert.equal(await jobs.measureDisk(), true);
    assert.equal(await jobs.countTraffic(), true);
    assert.equal(await outboxCount(a.id, 'usage.disk_over_limit'), 1, 'still over: not reported again');

    await patch(a.id, { disk_limit_mb: 100 });
    assert.equal(await jobs.measureDisk(), true);
    await waitFor(() => typesOf(r, a.id).length === 2, 'usage.disk_back_within_limit');
    assert.deepEqual(typesOf(r, a.id), ['usage.disk_over_limit', 'usage.disk_back_within_limit']);
    assert.equal(eventsOf(r, a.id)[1].payload.data.disk_over_limit, false);
    assert.deepEqual(await flags(a.id), [false, false]);
  });

  test('disk: a pass whose transaction fails keeps neither the figures nor the flag nor the event; the next pass reports it once', async () => {
    const a = await createAccount(t);
    fill(a.username, 2);
    await patch(a.id, { disk_limit_mb: 1 });
    const restore = failingAfterRecord(t, 'usage.');
    try {
      await assert.rejects(jobs.measureDisk(), /after the event row was written/);
    } finally {
      restore();
    }
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/usage`)).body.data.disk_used_bytes, null, 'the figures rolled back with the event');
    assert.equal(await flags(a.id), null);
    assert.equal(await outboxCount(a.id, 'usage.disk_over_limit'), 0);

    assert.equal(await jobs.measureDisk(), true);
    await waitFor(() => typesOf(r, a.id).length === 1, 'usage.disk_over_limit');
    assert.deepEqual(typesOf(r, a.id), ['usage.disk_over_limit']);
    assert.equal(await outboxCount(a.id, 'usage.disk_over_limit'), 1);
    await patch(a.id, { disk_limit_mb: null });
    assert.equal(await jobs.measureDisk(), true);
  });

  test('bandwidth: traffic past the limit → usage.bandwidth_over_limit once; a raised limit with no new traffic → usage.bandwidth_back_within_limit', async () => {
    const a = await createAccount(t);
    await patch(a.id, { bandwidth_limit_mb: 1 });
    const log = join(root, 'var/log/nginx', `${a.domain}.access.log`);
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    const second = Math.floor(Date.now() / 1000);
    writeFileSync(log, `${second}.000 ${MIB / 2}\n`);
    assert.equal(await jobs.countTraffic(), true);
    assert.equal(await outboxCount(a.id, 'usage.bandwidth_over_limit'), 0, 'under the limit');
    appendFileSync(log, `${second}.001 ${MIB}\n`);
    assert.equal(await jobs.countTraffic(), true);
    await waitFor(() => typesOf(r, a.id).length === 1, 'usage.bandwidth_over_limit');
    const over = eventsOf(r, a.id)[0];
    assert.deepEqual([over.type, over.payload.data.bandwidth_used_bytes, over.payload.data.bandwidth_over_limit], ['usage.bandwidth_over_limit', MIB + MIB / 2, true]);

    assert.equal(await jobs.countTraffic(), true);
    assert.equal(await jobs.measureDisk(), true);
    assert.equal(await outboxCount(a.id, 'usage.bandwidth_over_limit'), 1, 'still over: not reported again');

    await patch(a.id, { bandwidth_limit_mb: 10 });
    assert.equal(await jobs.countTraffic(), true);
    await waitFor(() => typesOf(r, a.id).length === 2, 'usage.bandwidth_back_within_limit');
    assert.deepEqual(typesOf(r, a.id), ['usage.bandwidth_over_limit', 'usage.bandwidth_back_within_limit']);
    assert.deepEqual(await flags(a.id), [false, false]);
    assert.equal(r.events.length, r.unique().length, 'each delivered once');
    assert.equal(r.rejected, 0);
  });
});
