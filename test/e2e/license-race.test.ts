import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DatabaseService } from '../../src/platform/database/database.service';
import { LicenseService } from '../../src/license/license.service';
import { insertAccount, TestLicenseVendor } from '../support/licenses';
import { startTestApp, TestApp } from '../support/test-app';

const vendor = new TestLicenseVendor();

describe('licence: the seat limit is exact under concurrency', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: vendor.env });
  });
  after(() => t.close());

  test('50 concurrent create transactions with 3 seats left: exactly 3 rows, 47 account_limit_reached', async () => {
    writeFileSync(t.config.license.file, vendor.issue({ max_accounts: 10 }));
    await t.get(LicenseService).reload();
    const db = t.get(DatabaseService);
    for (let i = 0; i < 7; i++) await db.transaction((em) => insertAccount(em, `pre${i}`, i % 2 ? 'active' : 'suspended'));

    const license = t.get(LicenseService);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction(async (em) => {
          // A plain read first: on MariaDB this fixes the transaction's snapshot before the seat is
          // checked, so the count must not rely on it (a stale snapshot would let extra creates in).
          await em.query('SELECT COUNT(*) AS n FROM packages');
          await license.reserveSeat(em);
          await insertAccount(em, `race${i}`);
        }),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(results.length - refused.length, 3);
    assert.equal(refused.length, 47);
    for (const r of refused) assert.equal((r as PromiseRejectedResult).reason.code, 'account_limit_reached', String((r as PromiseRejectedResult).reason));
    const rows = await t.get(DataSource).query("SELECT COUNT(*) AS n FROM accounts WHERE username LIKE 'race%'");
    assert.equal(Number(rows[0].n), 3);
    assert.equal((await t.call('GET', '/api/v1/license')).body.data.accounts_used, 10);
  });
});
