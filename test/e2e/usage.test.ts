import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, linkSync, mkdirSync, renameSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { treeSize } from '../../src/agent/system/disk-usage';
import { detectQuotaSupport } from '../../src/agent/system/user-quotas';
import { DatabaseService } from '../../src/platform/database/database.service';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { MIB, UsageService } from '../../src/usage/usage.service';
import { CursorMovedError, UsageStore } from '../../src/usage/usage.store';
import { createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

/** One line as the `hostwright_usage` log format writes it: `$msec $bytes_sent`. */
const line = (second: number, bytes: number) => `${second}.${String(second % 1000).padStart(3, '0')} ${bytes}\n`;
const lines = (second: number, sizes: number[]) => sizes.map((b) => line(second, b)).join('');
const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);
const now = () => Math.floor(Date.now() / 1000);
/** `du`'s allocated bytes: an oracle independent of ours (same rules: no symlink followed, hard links once, one filesystem). */
const du = (path: string) => Number(execFileSync('du', ['-s', '-x', '-B1', path], { encoding: 'utf8' }).split('\t')[0]);

describe('usage measured for billing', () => {
  let t: TestApp;
  let root: string;
  let jobs: UsageJobs;

  before(async () => {
    // On MariaDB the same server is the hosting database server (HW_HOSTING_DB_URL), so the accounts' databases are measured.
    const hosting: Record<string, string> = process.env.DATABASE_URL ? { HW_HOSTING_DB_URL: new URL('/', process.env.DATABASE_URL).toString() } : {};
    t = await startTestApp({ env: { HW_USAGE_DISK_INTERVAL: '0', HW_USAGE_TRAFFIC_INTERVAL: '0', ...hosting } });
    root = t.config.provisioning.rootDir;
    jobs = t.get(UsageJobs);
  });
  after(() => t.close());

  const logOf = (domain: string) => join(root, 'var/log/nginx', `${domain}.access.log`);
  const usageOf = async (id: number) => {
    const r = await t.call('GET', `/api/v1/accounts/${id}/usage`);
    assert.equal(r.status, 200, r.text);
    return r.body.data;
  };
  const months = async (id: number) => {
    const rows: { month: string; bytes: number | string }[] = await t
      .get(DataSource)
      .query('SELECT month, bytes FROM usage_traffic WHERE account_id = ? ORDER BY month', [id]);
    return Object.fromEntries(rows.map((r) => [r.month, Number(r.bytes)]));
  };

  test('disk: real files of known sizes in the home and the maildir become the figures; symlinks are not followed, hard links count once', async () => {
    const a = await createAccount(t);
    const before = await usageOf(a.id);
    assert.equal(before.disk_used_mb, null, 'not measured before the first disk pass');
    assert.equal(before.disk_measured_at, null);

    const home = join(root, 'home', a.username);
    const mail = join(root, 'var/mail/vdomains', a.domain);
    writeFileSync(join(home, 'public_html/big.bin'), Buffer.alloc(3 * MIB, 1));
    mkdirSync(join(home, 'public_html/sub'));
    writeFileSync(join(home, 'public_html/sub/one.bin'), Buffer.alloc(MIB, 2));
    linkSync(join(home, 'public_html/sub/one.bin'), join(home, 'public_html/sub/one-again.bin'));
    const outside = join(t.config.dataDir, 'usage-outside.bin');
    writeFileSync(outside, Buffer.alloc(20 * MIB, 3));
    symlinkSync(outside, join(home, 'public_html/link-to-outside'));
    mkdirSync(join(mail, 'alice/cur'), { recursive: true });
    writeFileSync(join(mail, 'alice/cur/1.eml'), Buffer.alloc(2 * MIB, 4));

    const started = Date.now();
    assert.equal(await jobs.measureDisk(), true);
    const u = await usageOf(a.id);
    assert.equal(u.disk_home_bytes, du(home));
    assert.ok(
      u.disk_home_bytes >= 4 * MIB && u.disk_home_bytes < 5 * MIB,
      `home ${u.disk_home_bytes}: 4 MiB of files, the hard link once, the 20 MiB behind the symlink not`,
    );
    assert.equal(u.disk_mail_bytes, du(mail));
    assert.ok(u.disk_mail_bytes >= 2 * MIB && u.disk_mail_bytes < 3 * MIB);
    const sqlite = t.get(DatabaseService).isSqlite;
    assert.equal(u.disk_databases_bytes, sqlite ? null : 0, sqlite ? 'no hosting database server: not measured' : 'no databases yet');
    assert.equal(u.disk_used_bytes, u.disk_home_bytes + u.disk_mail_bytes + (u.disk_databases_bytes ?? 0));
    assert.equal(u.disk_used_mb, Math.ceil(u.disk_used_bytes / MIB));
    assert.equal(u.disk_complete, true);
    assert.ok(Date.parse(u.disk_measured_at) >= Math.floor(started / 1000) * 1000, 'says when it was measured');
    assert.equal(u.disk_over_limit, false);

    // A figure above the limit is flagged, not enforced (no quotas on this filesystem).
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${a.id}`, { body: { disk_limit_mb: 1 } })).status, 200);
    const over = await usageOf(a.id);
    assert.equal(over.disk_limit_mb, 1);
    assert.equal(over.disk_over_limit, true);
  });

  test("disk: the account's MariaDB databases ({username}_…) are measured through information_schema", async (ctx) => {
    if (t.get(DatabaseService).isSqlite) return ctx.skip('SQLite: no hosting database server');
    const a = await createAccount(t);
    const db = t.get(DataSource);
    const name = `${a.username}_shop`;
    await db.query(`CREATE DATABASE \`${name}\``);
    try {
      await db.query(`CREATE TABLE \`${name}\`.items (id int primary key, body mediumtext) ENGINE=InnoDB`);
      await db.query(`INSERT INTO \`${name}\`.items VALUES (1, REPEAT('x', 100000))`);
      await db.query(`ANALYZE TABLE \`${name}\`.items`);
      await jobs.measureDisk();
      const [{ bytes }] = await db.query('SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = ?', [name]);
      const u = await usageOf(a.id);
      assert.ok(Number(bytes) > 0);
      assert.equal(u.disk_databases_bytes, Number(bytes));
      assert.equal(u.disk_used_bytes, u.disk_home_bytes + u.disk_mail_bytes + Number(bytes));
    } finally {
      await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
  });

  test('disk: a walk is bounded; past its bound the figure says it is incomplete', async () => {
    const dir = join(t.config.dataDir, 'usage-bounded');
    mkdirSync(dir);
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `f${i}`), Buffer.alloc(4096, 1));
    const full = await treeSize(dir);
    assert.equal(full.complete, true);
    assert.equal(full.entries, 21);
    const bounded = await treeSize(dir, { maxEntries: 5, maxMs: 60_000 });
    assert.equal(bounded.complete, false);
    assert.ok(bounded.bytes < full.bytes);
    assert.deepEqual(await treeSize(join(dir, 'absent')), { bytes: 0, entries: 0, complete: true });
  });

  test('traffic: a log with known lines becomes bytes per domain; a line nginx is still writing waits for its newline', async () => {
    const a = await createAccount(t);
    const b = await createAccount(t);
    assert.equal((await usageOf(a.id)).bandwidth_used_mb, null, 'not measured before the first traffic pass');
    const sizesA = [512, 2048, 1_000_000, 7];
    const sizesB = [10, 20, 30];
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    writeFileSync(logOf(a.domain), lines(now(), sizesA) + 'not a line of ours\n' + `${now()}.5 99`);
    writeFileSync(logOf(b.domain), lines(now(), sizesB));
    assert.equal(await jobs.countTraffic(), true);
    const ua = await usageOf(a.id);
    assert.equal(ua.bandwidth_used_bytes, sum(sizesA));
    assert.equal(ua.bandwidth_used_mb, Math.ceil(sum(sizesA) / MIB));
    assert.equal(ua.bandwidth_month, new Date().toISOString().slice(0, 7));
    assert.ok(ua.bandwidth_measured_at);
    assert.equal((await usageOf(b.id)).bandwidth_used_bytes, sum(sizesB));

    appendFileSync(logOf(a.domain), '0\n' + line(now(), 1));
    await jobs.countTraffic();
    assert.equal((await usageOf(a.id)).bandwidth_used_bytes, sum(sizesA) + 990 + 1, 'the finished line (990 bytes) and the new one');
    await jobs.countTraffic();
    assert.equal((await usageOf(a.id)).bandwidth_used_bytes, sum(sizesA) + 991, 'read again: nothing counted twice');
  });

  test('traffic: rotation mid-way (logrotate renames the file; nginx writes on into .1 until it reopens) — no double count, no loss', async () => {
    const a = await createAccount(t);
    const log = logOf(a.domain);
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    writeFileSync(log, lines(now(), [100, 200]));
    await jobs.countTraffic();
    appendFileSync(log, lines(now(), [300])); // written before the rotation, not read yet
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, lines(now(), [400])); // nginx has not reopened yet
    writeFileSync(log, lines(now(), [500, 600])); // after the reopen
    await jobs.countTraffic();
    assert.equal((await usageOf(a.id)).bandwidth_used_bytes, 2100);
    await jobs.countTraffic();
    assert.equal((await usageOf(a.id)).bandwidth_used_bytes, 2100, 'a second pass adds nothing');

    // The next rotation: .1 moves away (compressed), the current file becomes .1.
    renameSync(`${log}.1`, `${log}.2`);
    appendFileSync(log, lines(now(), [700]));
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(now(), [800]));
    await jobs.countTraffic();
    assert.equal((await usageOf(a.id)).bandwidth_used_bytes, 3600);

    // copytruncate: the same file, shorter than the cursor → read from its start.
    truncateSync(log, 0);
    appendFileSync(log, lines(now(), [9]));
    await jobs.countTraffic();
    assert.equal((await usageOf(a.id)).bandwidth_used_bytes, 3609);
  });

  test('traffic: bytes go to the UTC month of the request, across a month boundary', async () => {
    const a = await createAccount(t);
    const lastSecondOfNovember = Date.UTC(2026, 10, 30, 23, 59, 59) / 1000;
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    writeFileSync(
      logOf(a.domain),
      `${lastSecondOfNovember}.999 1000\n${lastSecondOfNovember + 1}.000 2000\n${lastSecondOfNovember + 1 + 86400 * 31}.000 4000\n` + line(now(), 8),
    );
    await jobs.countTraffic();
    const thisMonth = new Date().toISOString().slice(0, 7);
    const expected: Record<string, number> = { '2026-11': 1000, '2026-12': 2000, '2027-01': 4000 };
    expected[thisMonth] = (expected[thisMonth] ?? 0) + 8;
    assert.deepEqual(await months(a.id), expected);
    const service = t.get(UsageService);
    const account = await t.get(DataSource).query('SELECT id FROM accounts WHERE id = ?', [a.id]);
    assert.equal(account.length, 1);
    const row = (await service.all(new Date(Date.UTC(2026, 11, 31, 23, 59, 59)))).find((u) => u.account.id === a.id)!;
    assert.equal(row.bandwidthMonth, '2026-12');
    assert.equal(row.bandwidthUsedBytes, expected['2026-12']);
    const november = (await service.all(new Date(Date.UTC(2026, 10, 1)))).find((u) => u.account.id === a.id)!;
    assert.equal(november.bandwidthUsedBytes, expected['2026-11']);
  });

  test('traffic: the cursor moves only from where the read started, so a second reader cannot count the same lines', async () => {
    const a = await createAccount(t);
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    writeFileSync(logOf(a.domain), lines(now(), [50]));
    await jobs.countTraffic();
    const store = t.get(UsageStore);
    const stale = (await store.cursors()).get(a.id)!;
    appendFileSync(logOf(a.domain), lines(now(), [60]));
    const month = new Date().toISOString().slice(0, 7);
    const read = { domain: a.domain, months: { [month]: 60 }, lines: 1, cursor: { inode: stale.inode, offset: stale.offset + 100 }, more: false };
    await store.addTraffic(a.id, a.domain, stale, read, new Date());
    await assert.rejects(store.addTraffic(a.id, a.domain, stale, read, new Date()), CursorMovedError);
    assert.equal((await months(a.id))[month], 110);
  });

  test('GET /api/v1/usage: every account in one call, keyed by id and by external id, with the measured figures; unlimited is null', async () => {
    const pkg = await t.call('POST', '/api/v1/packages', {
      body: { name: 'usage-unlimited', disk_quota_mb: 0, bandwidth_mb: 0, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' },
    });
    assert.equal(pkg.status, 201, pkg.text);
    const a = await createAccount(t, { external_id: 'usage-svc-1', package_id: pkg.body.data.id });
    const b = await createAccount(t, { external_id: 'usage-svc-2' });
    writeFileSync(join(root, 'home', a.username, 'public_html/data.bin'), Buffer.alloc(2 * MIB, 5));
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    writeFileSync(logOf(b.domain), lines(now(), [4096, 4096]));
    await jobs.measureDisk();
    await jobs.countTraffic();
    const r = await t.call('GET', '/api/v1/usage');
    assert.equal(r.status, 200);
    const ra = r.body.data.by_external_id['usage-svc-1'];
    const rb = r.body.data.by_external_id['usage-svc-2'];
    assert.deepEqual(ra, r.body.data.by_id[String(a.id)]);
    assert.equal(ra.disk_home_bytes, du(join(root, 'home', a.username)));
    assert.ok(ra.disk_used_mb >= 2);
    assert.equal(ra.disk_limit_mb, null, 'unlimited');
    assert.equal(ra.bandwidth_limit_mb, null, 'unlimited');
    assert.equal(ra.disk_over_limit, false);
    assert.equal(ra.bandwidth_used_bytes, 0, 'read, and nothing served');
    assert.equal(rb.bandwidth_used_bytes, 8192);
    assert.equal(rb.bandwidth_used_mb, 1);
    assert.equal(r.body.data.accounts.length, Number((await t.get(DataSource).query('SELECT COUNT(*) AS n FROM accounts'))[0].n));
    for (const row of r.body.data.accounts) {
      assert.equal(typeof row.disk_measured_at, 'string', `${row.username} measured`);
      assert.equal(typeof row.bandwidth_measured_at, 'string');
    }
  });

  test('GET /api/v1/accounts/{id}/usage: 404 for an account that does not exist, 403 without accounts:read', async () => {
    assert.equal((await t.call('GET', '/api/v1/accounts/999999/usage')).status, 404);
    assert.equal((await t.call('GET', '/api/v1/accounts/abc/usage')).status, 404);
    const a = await createAccount(t);
    const ro = await t.createToken(['packages:read']);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/usage`, { token: ro })).status, 403);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/usage`, { token: null })).status, 401);
  });

  test("quotas: this filesystem's support is detected (here: none), and a quota-enabled mount would be recognised", () => {
    const here = detectQuotaSupport(join(root, 'home'));
    assert.equal(typeof here.reason, 'string');
    const mountinfo = [
      '22 1 0:21 / / rw,relatime - overlay overlay rw,lowerdir=/x',
      '30 22 8:1 / /home rw,relatime - ext4 /dev/sda1 rw,usrquota',
      '31 22 8:2 / /srv rw,relatime - ext4 /dev/sda2 rw',
    ].join('\n');
    assert.deepEqual(detectQuotaSupport('/home/alice', mountinfo, true), { supported: true, mountPoint: '/home', reason: '/home (ext4) has user quotas' });
    assert.equal(detectQuotaSupport('/home/alice', mountinfo, false).supported, false);
    assert.match(detectQuotaSupport('/srv/www', mountinfo, true).reason, /not mounted with user quotas/);
    assert.match(detectQuotaSupport('/var/x', mountinfo, true).reason, /overlay/);
  });
});

describe('usage: a crash between the agent read and the commit', () => {
  test('restarting the app and reading again gives exact totals: nothing lost, nothing counted twice', async () => {
    const env = { HW_USAGE_DISK_INTERVAL: '0', HW_USAGE_TRAFFIC_INTERVAL: '0' };
    let t = await startTestApp({ env });
    const { database, dataDir } = { database: t.database, dataDir: t.config.dataDir };
    try {
      const a = await createAccount(t);
      const log = join(t.config.provisioning.rootDir, 'var/log/nginx', `${a.domain}.access.log`);
      mkdirSync(join(t.config.provisioning.rootDir, 'var/log/nginx'), { recursive: true });
      writeFileSync(log, lines(now(), [1000, 2000]));
      await t.get(UsageJobs).countTraffic();
      appendFileSync(log, lines(now(), [3000]));
      // The agent has answered; the process dies before the transaction commits.
      t.get(UsageStore).addTraffic = () => Promise.reject(new Error('killed before the commit'));
      await assert.rejects(t.get(UsageJobs).countTraffic(), /killed/);
      await t.close(true);

      t = await startTestApp({ env, database, dataDir });
      appendFileSync(log, lines(now(), [4000]));
      await t.get(UsageJobs).countTraffic();
      await t.get(UsageJobs).countTraffic();
      const u = await t.call('GET', `/api/v1/accounts/${a.id}/usage`);
      assert.equal(u.body.data.bandwidth_used_bytes, 10_000);
    } finally {
      await t.close();
    }
  });
});
