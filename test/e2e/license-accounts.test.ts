import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { LicenseRecheckJob } from '../../src/license/license-recheck.job';
import { TestLicenseVendor } from '../support/licenses';
import { startTestApp, TestApp } from '../support/test-app';

const vendor = new TestLicenseVendor();
/** Until the accounts API is merged into this branch there is no POST /api/v1/accounts to race. */
const accountsApi = existsSync(join(__dirname, '../../src/accounts/accounts.module.js'));

const body = (name: string) => ({ username: name, domain: `${name}.example.com`, email: `${name}@example.com`, password: 's3cur3p@ss', package_id: 1 });

describe('licence through the accounts API (seed 000/001 rows, the 50-way race)', { skip: accountsApi ? false : 'accounts API not merged yet' }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: vendor.env });
  });
  after(() => t.close());

  const count = async () => Number((await t.get(DataSource).query('SELECT COUNT(*) AS n FROM accounts'))[0].n);

  test('free plan: 50 parallel POST /api/v1/accounts with 3 seats left → exactly 3 created, 47 × 403 account_limit_reached', async () => {
    for (const name of ['first1', 'first2']) assert.equal((await t.call('POST', '/api/v1/accounts', { body: body(name) })).status, 201);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => t.call('POST', '/api/v1/accounts', { body: body(`race${i}`) })));
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 403);
    assert.equal(created.length, 3, JSON.stringify(results.filter((r) => r.status !== 201 && r.status !== 403).map((r) => r.body)));
    assert.equal(refused.length, 47);
    for (const r of refused) {
      assert.equal(r.body.error, 'account_limit_reached');
      assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message']);
    }
    assert.equal(await count(), 5);
    const shown = await t.call('GET', '/api/v1/license');
    assert.equal(shown.body.data.accounts_used, 5);
    assert.equal(shown.body.data.max_accounts, 5);
  });

  test('seed 000: a create beyond the plan → 403 account_limit_reached, nothing created', async () => {
    const r = await t.call('POST', '/api/v1/accounts', { body: body('sixth') });
    assert.equal(r.status, 403);
    assert.equal(r.body.error, 'account_limit_reached');
    assert.equal(await count(), 5);
  });

  test('seed 000/001: with an expired licence, create and delete → 403 license_required; reads work; a valid licence reopens writes', async () => {
    writeFileSync(t.config.license.file, vendor.expired());
    assert.equal(await t.get(LicenseRecheckJob).run(), true);
    const create = await t.call('POST', '/api/v1/accounts', { body: body('blocked') });
    assert.equal(create.status, 403);
    assert.deepEqual(Object.keys(create.body).sort(), ['error', 'message']);
    assert.equal(create.body.error, 'license_required');
    const [{ id }] = await t.get(DataSource).query('SELECT id FROM accounts ORDER BY id LIMIT 1');
    const remove = await t.call('DELETE', `/api/v1/accounts/${id}`);
    assert.equal(remove.status, 403);
    assert.equal(remove.body.error, 'license_required');
    assert.equal(await count(), 5);
    assert.equal((await t.call('GET', '/api/v1/accounts')).status, 200);
    assert.equal((await t.call('GET', `/api/v1/accounts/${id}`)).status, 200);

    const put = await t.call('PUT', '/api/v1/license', { body: { license: vendor.issue({ max_accounts: 6 }) } });
    assert.equal(put.status, 200);
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: body('sixth') })).status, 201);
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: body('seventh') })).body.error, 'account_limit_reached');
    assert.equal(await count(), 6);
  });
});
