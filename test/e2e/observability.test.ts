import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stepsFor } from '../../src/agent-protocol/plan';
import { accountBody } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

const METRICS_TOKEN = 'scrape-secret-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value of one sample line, e.g. `hostwright_accounts{state="active"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('observability: request ids and /metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_METRICS_TOKEN: METRICS_TOKEN } });
  });
  after(() => t.close());

  const scrape = () => t.call('GET', '/metrics', { token: null, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

  test('every response carries X-Request-Id: a sane incoming one is kept, otherwise a new UUID (also on 401 and 404)', async () => {
    const fresh = await t.call('GET', '/api/v1/packages');
    assert.equal(fresh.status, 200);
    assert.match(String(fresh.headers['x-request-id']), UUID);
    const kept = await t.call('GET', '/api/v1/packages', { headers: { 'x-request-id': 'whmcs-42.a:b' } });
    assert.equal(kept.headers['x-request-id'], 'whmcs-42.a:b');
    const insane = await t.call('GET', '/api/v1/packages', { headers: { 'x-request-id': 'x'.repeat(200) } });
    assert.match(String(insane.headers['x-request-id']), UUID);
    const missing = await t.call('GET', '/nowhere');
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers['x-request-id']), UUID);
    const denied = await t.call('GET', '/api/v1/packages', { token: null, headers: { 'x-request-id': 'req-401' } });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['x-request-id'], 'req-401');
  });

  test('/metrics needs HW_METRICS_TOKEN when set, and speaks the Prometheus text format', async () => {
    const anonymous = await t.call('GET', '/metrics', { token: null });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'unauthenticated');
    const apiToken = await t.call('GET', '/metrics');
    assert.equal(apiToken.status, 401);
    const r = await scrape();
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(r.text, /^# HELP hostwright_http_requests_total /m);
    assert.match(r.text, /^process_resident_memory_bytes \d+/m);
  });

  test('requests are counted by route pattern, method and status, never by raw URL', async () => {
    for (const id of [1, 987654]) await t.call('GET', `/api/v1/packages/${id}`);
    const text = (await scrape()).text;
    assert.equal(sample(text, 'hostwright_http_requests_total{method="GET",route="/api/v1/packages/:id",status="200"}'), 1);
    assert.equal(sample(text, 'hostwright_http_requests_total{method="GET",route="/api/v1/packages/:id",status="404"}'), 1);
    assert.equal(sample(text, 'hostwright_http_request_duration_seconds_count{method="GET",route="/api/v1/packages/:id",status="200"}'), 1);
    assert.ok(!text.includes('987654'), 'a raw id must not become a label');
    assert.ok((sample(text, 'hostwright_http_requests_total{method="GET",route="unmatched",status="404"}') ?? 0) >= 1);
  });

  test('accounts by state come from the accounts table at scrape time', async () => {
    const db = t.get(DataSource);
    const row = (n: number, status: string) => [
      `00000000-0000-4000-8000-00000000000${n}`,
      `user${n}`,
      `d${n}.example.com`,
      `com.example.d${n}.`,
      'a@example.com',
      'x',
      1,
      status,
      '8.2',
      '2026-01-01 00:00:00',
      '2026-01-01 00:00:00',
    ];
    for (const [n, status] of [
      [1, 'active'],
      [2, 'active'],
      [3, 'suspended'],
    ] as const) {
      await db.query(
        'INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        row(n, status),
      );
    }
    const text = (await scrape()).text;
    assert.equal(sample(text, 'hostwright_accounts{state="active"}'), 2);
    assert.equal(sample(text, 'hostwright_accounts{state="suspended"}'), 1);
    assert.equal(sample(text, 'hostwright_accounts{state="failed"}'), 0);
    assert.equal(sample(text, 'hostwright_license_seats_used'), 3, 'every account row takes a seat');
    assert.equal(sample(text, 'hostwright_license_seats_max'), -1, 'the test licence has no limit');
  });

  test('provisioning steps of real creates: durations by step and result, failures and rollbacks counted', async () => {
    const created = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
    assert.equal(created.status, 201);
    let text = (await scrape()).text;
    for (const step of stepsFor('create').map((s) => s.step)) {
      assert.equal(sample(text, `hostwright_provisioning_step_duration_seconds_count{step="${step}",result="ok"}`), 1, step);
    }
    assert.equal(sample(text, 'hostwright_provisioning_step_failures_total{step="home"}'), undefined);

    const body = accountBody();
    mkdirSync(join(t.config.provisioning.rootDir, 'home', String(body.username)), { recursive: true });
    assert.equal((await t.call('POST', '/api/v1/accounts', { body })).status, 500, 'a home directory in the way fails the create');
    text = (await scrape()).text;
    assert.equal(sample(text, 'hostwright_provisioning_step_duration_seconds_count{step="home",result="failed"}'), 1);
    assert.equal(sample(text, 'hostwright_provisioning_step_failures_total{step="home"}'), 1);
    assert.equal(sample(text, 'hostwright_provisioning_step_duration_seconds_count{step="user",result="ok"}'), 3, 'two applies and the rollback');
    assert.equal(sample(text, 'hostwright_provisioning_step_duration_seconds_count{step="vhost",result="ok"}'), 1, 'the failed create never reached vhost');
  });
});
