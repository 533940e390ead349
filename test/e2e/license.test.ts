import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error';
import { statusOf } from '../../src/common/errors/error-catalogue';
import { DatabaseService } from '../../src/platform/database/database.service';
import { LicenseClock } from '../../src/license/license-clock';
import { LicenseRecheckJob } from '../../src/license/license-recheck.job';
import { LicenseService } from '../../src/license/license.service';
import { insertAccount, TestLicenseVendor } from '../support/licenses';
import { startTestApp, TestApp } from '../support/test-app';

const vendor = new TestLicenseVendor();
const stranger = new TestLicenseVendor();

describe('licence: states, write blocking, install, expiry, limits', () => {
  let t: TestApp;
  let file: string;
  const realNow = LicenseClock.prototype.now;

  before(async () => {
    t = await startTestApp({ env: vendor.env });
    file = t.config.license.file;
  });
  after(() => t.close());
  beforeEach(async () => {
    t.get(LicenseClock).now = realNow;
    rmSync(file, { force: true });
    await t.get(DataSource).query('DELETE FROM accounts');
    await t.get(LicenseService).reload();
  });

  /** Places a licence file as an operator would and lets the re-check pick it up. */
  async function placeFile(text: string): Promise<void> {
    writeFileSync(file, text);
    assert.equal(await t.get(LicenseRecheckJob).run(), true);
  }

  async function assertWritesBlocked(status: string): Promise<void> {
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/packages', { name: 'blocked', disk_quota_mb: 1, bandwidth_mb: 1, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' }],
      ['PATCH', '/api/v1/packages/1', { name: 'renamed' }],
      ['DELETE', '/api/v1/packages/1', undefined],
      ['POST', '/api/v1/tokens', { name: 'x', scopes: ['*'] }],
      ['DELETE', '/api/v1/tokens/1', undefined],
    ];
    for (const [method, url, body] of writes) {
      const r = await t.call(method, url, { body });
      assert.equal(r.status, 403, `${method} ${url}`);
      assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message']);
      assert.equal(r.body.error, 'license_required');
      assert.match(r.body.message, /licen/i);
    }
    const reads = await t.call('GET', '/api/v1/packages');
    assert.equal(reads.status, 200);
    assert.equal((await t.call('GET', '/api/v1/packages/1')).status, 200);
    assert.equal((await t.call('GET', '/api/v1/tokens')).status, 200);
    const shown = await t.call('GET', '/api/v1/license');
    assert.equal(shown.status, 200);
    assert.equal(shown.body.data.status, status);
    assert.equal(typeof shown.body.data.reason, 'string');
    // Nothing was written: the package still has its name.
    assert.equal((await t.get(DataSource).query('SELECT name FROM packages WHERE id = 1'))[0].name, 'default');
    // Auth still speaks first.
    const anonymous = await t.call('POST', '/api/v1/packages', { token: null, body: {} });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'unauthenticated');
  }

  test('no licence file: free plan, 5 accounts, writes allowed', async () => {
    const r = await t.call('GET', '/api/v1/license');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      data: { status: 'free', plan: 'free', max_accounts: 5, accounts_used: 0, expires_at: null, licensee: null, reason: null },
    });
    const created = await t.call('POST', '/api/v1/tokens', { body: { name: 'free-write', scopes: ['packages:read'] } });
    assert.equal(created.status, 201);
  });

  test('free plan: the 6th account is refused with 403 account_limit_reached, whatever the status of the others', async () => {
    const db = t.get(DatabaseService);
    const license = t.get(LicenseService);
    const statuses = ['provisioning', 'active', 'suspended', 'failed', 'deleting'];
    for (const [i, status] of statuses.entries()) {
      await db.transaction(async (em) => {
        await license.reserveSeat(em);
        await insertAccount(em, `free${i}`, status);
      });
    }
    await assert.rejects(
      db.transaction(async (em) => {
        await license.reserveSeat(em);
        await insertAccount(em, 'free6');
      }),
      (e: DomainError) => e.code === 'account_limit_reached' && statusOf(e.code) === 403 && /5\/5/.test(e.message),
    );
    assert.equal(Number((await t.get(DataSource).query('SELECT COUNT(*) AS n FROM accounts'))[0].n), 5);
    assert.equal((await t.call('GET', '/api/v1/license')).body.data.accounts_used, 5);
  });

  test('a valid licence file placed on disk is picked up by the re-check: its plan and limit apply', async () => {
    await placeFile(vendor.issue({ plan: 'starter', max_accounts: 2, licensee: 'Starter Ltd', expires_at: '2099-01-01T00:00:00Z' }));
    const r = await t.call('GET', '/api/v1/license');
    assert.deepEqual(r.body.data, {
      status: 'valid',
      plan: 'starter',
      max_accounts: 2,
      accounts_used: 0,
      expires_at: '2099-01-01T00:00:00Z',
      licensee: 'Starter Ltd',
      reason: null,
    });
    const db = t.get(DatabaseService);
    const take = (name: string) =>
      db.transaction(async (em) => {
        await t.get(LicenseService).reserveSeat(em);
        await insertAccount(em, name);
      });
    await take('seat1');
    await take('seat2');
    await assert.rejects(take('seat3'), { code: 'account_limit_reached' });
  });

  test('max_accounts 0 means unlimited', async () => {
    await placeFile(vendor.issue({ max_accounts: 0 }));
    const db = t.get(DatabaseService);
    for (let i = 0; i < 7; i++) {
      await db.transaction(async (em) => {
        await t.get(LicenseService).reserveSeat(em);
        await insertAccount(em, `unl${i}`);
      });
    }
    assert.equal((await t.call('GET', '/api/v1/license')).body.data.accounts_used, 7);
  });

  for (const [label, status, text] of [
    ['tampered', 'invalid', () => vendor.tampered()],
    ['signed by another key', 'invalid', () => stranger.issue()],
    ['unparsable', 'invalid', () => '{"payload": '],
    ['expired', 'expired', () => vendor.expired()],
  ] as const) {
    test(`${label} licence file: every write answers 403 license_required, reads keep working, seats refused`, async () => {
      await placeFile(text());
      await assertWritesBlocked(status);
      await assert.rejects(
        t.get(DatabaseService).transaction((em) => t.get(LicenseService).reserveSeat(em)),
        { code: 'license_required' },
      );
    });
  }

  test('PUT a valid licence while blocked: writes work again at once, the file holds it', async () => {
    await placeFile(vendor.expired());
    await assertWritesBlocked('expired');
    const text = vendor.issue({ plan: 'business', max_accounts: 50 });
    const r = await t.call('PUT', '/api/v1/license', { body: { license: text } });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.status, 'valid');
    assert.equal(r.body.data.plan, 'business');
    assert.equal(r.body.data.max_accounts, 50);
    assert.equal(readFileSync(file, 'utf8').trim(), text.trim());
    const write = await t.call('PATCH', '/api/v1/packages/1', { body: { name: 'default' } });
    assert.equal(write.status, 200);
  });

  test('PUT accepts the licence object itself (payload + signature)', async () => {
    const doc = JSON.parse(vendor.issue({ plan: 'object' }));
    const r = await t.call('PUT', '/api/v1/license', { body: doc });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.plan, 'object');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), doc);
  });

  test('PUT a licence that does not verify: 422 naming why; the installed licence is untouched', async () => {
    const good = vendor.issue({ plan: 'kept' });
    await placeFile(good);
    const cases: [unknown, RegExp][] = [
      [{ license: vendor.tampered() }, /bad_signature|signature does not match/],
      [{ license: stranger.issue() }, /signature does not match/],
      [{ license: vendor.expired() }, /expired/],
      [{ license: 'not json' }, /not valid JSON/],
      [{ license: JSON.stringify({ payload: { plan: 'x' }, signature: 'AAAA' }) }, /payload\.licensee/],
      [{ license: vendor.issue({ server_id: 'web9' }) }, /for server "web9"/],
      [{}, /required/],
      [{ license: good, signature: 'x' }, /not both/],
    ];
    for (const [body, why] of cases) {
      const r = await t.call('PUT', '/api/v1/license', { body });
      assert.equal(r.status, 422, JSON.stringify(body).slice(0, 80));
      assert.equal(r.body.error, 'validation_failed');
      assert.equal(r.body.details[0].field, 'license');
      assert.match(r.body.details[0].message, why);
    }
    const unknownField = await t.call('PUT', '/api/v1/license', { body: { license: good, extra: 1 } });
    assert.equal(unknownField.status, 422);
    assert.equal(readFileSync(file, 'utf8').trim(), good.trim());
    assert.equal((await t.call('GET', '/api/v1/license')).body.data.plan, 'kept');
  });

  test('PUT needs tokens:admin; GET needs only a valid token', async () => {
    const reader = await t.createToken(['accounts:read']);
    assert.equal((await t.call('GET', '/api/v1/license', { token: reader })).status, 200);
    const denied = await t.call('PUT', '/api/v1/license', { token: reader, body: { license: vendor.issue() } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'forbidden');
    assert.equal(existsSync(file), false);
    assert.equal((await t.call('GET', '/api/v1/license', { token: null })).status, 401);
    const admin = await t.createToken(['tokens:admin']);
    assert.equal((await t.call('PUT', '/api/v1/license', { token: admin, body: { license: vendor.issue() } })).status, 200);
  });

  test('a licence that expires while the server runs blocks writes at its expires_at, without a re-check or restart', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    await placeFile(vendor.issue({ expires_at: expiresAt.toISOString() }));
    assert.equal((await t.call('PATCH', '/api/v1/packages/1', { body: { name: 'default' } })).status, 200);
    t.get(LicenseClock).now = () => new Date(expiresAt.getTime() - 1000);
    assert.equal((await t.call('PATCH', '/api/v1/packages/1', { body: { name: 'default' } })).status, 200);
    t.get(LicenseClock).now = () => expiresAt;
    const blocked = await t.call('PATCH', '/api/v1/packages/1', { body: { name: 'default' } });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error, 'license_required');
    assert.equal((await t.call('GET', '/api/v1/license')).body.data.status, 'expired');
  });

  test('an expired licence written over a valid one is picked up by the re-check (no restart)', async () => {
    await placeFile(vendor.issue());
    assert.equal((await t.call('PATCH', '/api/v1/packages/1', { body: { name: 'default' } })).status, 200);
    await placeFile(vendor.expired());
    await assertWritesBlocked('expired');
    rmSync(file);
    assert.equal(await t.get(LicenseRecheckJob).run(), true);
    assert.equal((await t.call('GET', '/api/v1/license')).body.data.status, 'free');
  });
});

describe('licence: a licence file but no public key configured', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ license: 'none' });
  });
  after(() => t.close());

  test('is invalid: writes blocked, PUT refused with 422 (nothing to verify with)', async () => {
    writeFileSync(t.config.license.file, vendor.issue());
    await t.get(LicenseService).reload();
    const shown = await t.call('GET', '/api/v1/license');
    assert.equal(shown.body.data.status, 'invalid');
    assert.match(shown.body.data.reason, /HW_LICENSE_PUBLIC_KEY/);
    const write = await t.call('POST', '/api/v1/tokens', { body: { name: 'x', scopes: ['*'] } });
    assert.equal(write.status, 403);
    assert.equal(write.body.error, 'license_required');
    const put = await t.call('PUT', '/api/v1/license', { body: { license: vendor.issue() } });
    assert.equal(put.status, 422);
    assert.match(put.body.details[0].message, /HW_LICENSE_PUBLIC_KEY/);
  });
});
