import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DatabaseService } from '../../src/platform/database/database.service';
import { LICENSE_RECHECK_JOB, LicenseRecheckJob } from '../../src/license/license-recheck.job';
import { LicenseService } from '../../src/license/license.service';
import { LeaseService } from '../../src/platform/scheduling/lease.service';
import { onMariaDb } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';

/** Resolves when `check` holds; fails after the deadline (no fixed sleeps). */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * On MariaDB: two app instances on one database, as in a cluster. On SQLite (one instance by
 * nature; two in-process connections would block each other's event loop in busy_timeout) the
 * second instance is a second LeaseService identity on the same database.
 */
describe(`scheduling: a lease keeps a job on one instance at a time (${onMariaDb() ? 'two apps, one MariaDB database' : 'two holders, one SQLite file'})`, () => {
  let a: TestApp;
  let b: TestApp | undefined;
  let leaseB: LeaseService;
  let jobB: LicenseRecheckJob;
  before(async () => {
    a = await startTestApp();
    if (onMariaDb()) {
      b = await startTestApp({ database: a.database });
      leaseB = b.get(LeaseService);
      jobB = b.get(LicenseRecheckJob);
    } else {
      leaseB = new LeaseService(a.get(DatabaseService));
      jobB = new LicenseRecheckJob(a.config, a.get(LicenseService), leaseB, a.get(SchedulerRegistry));
    }
  });
  after(async () => {
    await b?.close(true);
    await a.close();
  });

  const leases = (app: 'a' | 'b') => (app === 'a' ? a.get(LeaseService) : leaseB);
  const rows = (name: string) => a.get(DataSource).query('SELECT holder FROM scheduler_leases WHERE name = ?', [name]);

  test('while one instance runs the job the other skips it; after release the other can run it', async () => {
    assert.notEqual(leases('a').holder, leases('b').holder);
    const hold = gate();
    let started = false;
    const first = leases('a').runExclusive('job.x', 30, async () => {
      started = true;
      await hold.opened;
      return 'a-done';
    });
    await until(() => started, 'instance A to start the job');
    assert.deepEqual(await rows('job.x'), [{ holder: leases('a').holder }]);
    let ranOnB = false;
    assert.deepEqual(await leases('b').runExclusive('job.x', 30, async () => (ranOnB = true)), { ran: false });
    assert.equal(ranOnB, false);
    hold.open();
    assert.deepEqual(await first, { ran: true, result: 'a-done' });
    assert.deepEqual(await rows('job.x'), []);
    assert.deepEqual(await leases('b').runExclusive('job.x', 30, async () => 'b-done'), { ran: true, result: 'b-done' });
  });

  test('the same instance does not run a job twice at once', async () => {
    const hold = gate();
    const first = leases('a').runExclusive('job.self', 30, () => hold.opened);
    await until(async () => (await rows('job.self')).length === 1, 'the first run to take the lease');
    assert.deepEqual(await leases('a').runExclusive('job.self', 30, async () => 'second'), { ran: false });
    hold.open();
    assert.equal((await first).ran, true);
  });

  test('40 racing attempts from both instances: never two running at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const job = async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    };
    const attempts = Array.from({ length: 40 }, (_, i) => leases(i % 2 ? 'a' : 'b').runExclusive('job.race', 30, job));
    const results = await Promise.all(attempts);
    assert.equal(maxRunning, 1);
    assert.ok(runs >= 1);
    assert.equal(results.filter((r) => r.ran).length, runs);
  });

  test('a lease whose holder died is taken over once it expires, not before', async () => {
    assert.equal(await leases('a').acquire('job.crash', 60), true); // A "dies" holding it
    assert.equal(await leases('b').acquire('job.crash', 60), false);
    assert.equal(await leases('a').renew('job.crash', 60), true);
    await a.get(DataSource).query("UPDATE scheduler_leases SET expires_at = '2001-01-01 00:00:00' WHERE name = 'job.crash'");
    assert.equal(await leases('b').acquire('job.crash', 60), true);
    assert.deepEqual(await rows('job.crash'), [{ holder: leases('b').holder }]);
    assert.equal(await leases('a').renew('job.crash', 60), false, 'the old holder learns it lost the lease');
    await leases('a').release('job.crash'); // not A's any more: no effect
    assert.deepEqual(await rows('job.crash'), [{ holder: leases('b').holder }]);
    await leases('b').release('job.crash');
    assert.deepEqual(await rows('job.crash'), []);
  });

  test('the licence re-check runs under the lease: skipped on B while A holds it', async () => {
    assert.equal(await leases('a').acquire(LICENSE_RECHECK_JOB, 60), true);
    assert.equal(await jobB.run(), false);
    assert.equal(await a.get(LicenseRecheckJob).run(), false, 'held means held, also for the holder');
    await leases('a').release(LICENSE_RECHECK_JOB);
    assert.equal(await jobB.run(), true);
    assert.deepEqual(await rows(LICENSE_RECHECK_JOB), []);
  });
});
