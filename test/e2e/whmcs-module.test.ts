import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { countRows } from '../support/accounts';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';

const run = promisify(execFile);
const HARNESS = join(REPO_ROOT, 'integrations/whmcs/tests/harness.php');

/** php with curl, or why not. */
function phpProblem(): string | null {
  const probe = spawnSync('php', ['-r', 'exit(extension_loaded("curl") && version_compare(PHP_VERSION, "8.1.0", ">=") ? 0 : 3);'], { encoding: 'utf8' });
  if (probe.error) return 'php is not installed (apt-get install -y php-cli php-curl)';
  if (probe.status === 3) return 'php is older than 8.1 or lacks the curl extension (apt-get install -y php-curl)';
  return probe.status === 0 ? null : `php failed: ${probe.stderr}`;
}

const problem = phpProblem();
if (problem && process.env.CI === 'true') {
  test('the WHMCS module harness needs php', () => assert.fail(`CI=true: ${problem}`));
}

describe('WHMCS server module (integrations/whmcs) against a real panel', { skip: problem ? `skipped: ${problem}` : false }, () => {
  let t: TestApp;
  let token: string;
  let dir: string;

  /** WHMCS' $params for a service on this server. */
  const params = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    serviceid: 3101,
    userid: 41,
    pid: 1,
    serverid: 2,
    domain: 'whmcs-one.example.com',
    username: 'whmcsone',
    password: 'Wh1mcs-Pa55',
    producttype: 'hostingaccount',
    moduletype: 'hostwright',
    configoption1: 'default',
    clientsdetails: { userid: 41, firstname: 'Wendy', lastname: 'Hill', email: 'wendy@example.com', companyname: 'Hill Ltd' },
    server: true,
    serverip: '127.0.0.1',
    serverhostname: '127.0.0.1',
    serverport: String(t.port),
    serversecure: false,
    serveraccesshash: token,
    serverusername: '',
    serverpassword: '',
    ...overrides,
  });

  let seq = 0;
  async function call(fn: string, p: Record<string, unknown>): Promise<{ result: any; logs: any[]; updates: any[] }> {
    const file = join(dir, `params-${++seq}.json`);
    writeFileSync(file, JSON.stringify(p));
    const { stdout } = await run('php', [HARNESS, fn, file], { timeout: 60_000 });
    return JSON.parse(stdout);
  }

  const account = async (serviceId: number) => (await t.call('GET', `/api/v1/accounts?external_id=${serviceId}`)).body.data[0];

  before(async () => {
    t = await startTestApp();
    token = await t.createToken(['accounts:write', 'clients:write', 'packages:read'], 'whmcs');
    dir = mkdtempSync(join(tmpdir(), 'hw-whmcs-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  test('MetaData and ConfigOptions (package by name, with a loader)', async () => {
    const meta = (await call('MetaData', {})).result;
    assert.equal(meta.DisplayName, 'Hostwright');
    assert.equal(meta.APIVersion, '1.1');
    const options = (await call('ConfigOptions', {})).result;
    assert.equal(options.Package.Loader, 'hostwright_LoadPackages');
    const loaded = await call('LoadPackages', params());
    assert.equal(loaded.result.default, 'default (10 GB disk, 100 GB traffic)');
  });

  test('TestConnection: success with the access hash; the panel message otherwise; HTTPS is verified', async () => {
    assert.deepEqual((await call('TestConnection', params())).result, { success: true, error: '' });
    const bad = (await call('TestConnection', params({ serveraccesshash: 'hw_wrong' }))).result;
    assert.equal(bad.success, false);
    assert.match(bad.error, /valid API token is required/);
    const tls = (await call('TestConnection', params({ serversecure: true }))).result;
    assert.equal(tls.success, false, 'Secure ticked: https, and this panel speaks plain http');
    assert.match(tls.error, /Could not reach the Hostwright server/);
  });

  test('CreateAccount: success; the account, its external id and its client are on the server; a retry makes nothing new', async () => {
    const p = params();
    const first = await call('CreateAccount', p);
    assert.equal(first.result, 'success', JSON.stringify(first.logs));
    const a = await account(3101);
    assert.equal(a.username, 'whmcsone');
    assert.equal(a.domain, 'whmcs-one.example.com');
    assert.equal(a.status, 'active');
    const client = (await t.call('GET', `/api/v1/clients/${a.client_id}`)).body.data;
    assert.equal(client.external_id, '41');
    assert.equal(client.email, 'wendy@example.com');
    // Module Log: every call logged, the token and the password never.
    assert.ok(first.logs.some((l) => l.action === 'CreateAccount'));
    for (const log of first.logs) {
      const text = JSON.stringify(log);
      assert.ok(!text.includes(token), 'token masked');
      assert.ok(!text.includes('Wh1mcs-Pa55'), 'password masked');
    }
    const before = await countRows(t, 'accounts');
    assert.equal((await call('CreateAccount', p)).result, 'success', 'retried CreateAccount');
    // Even once the Idempotency-Key is forgotten (another key), the external id keeps it one account.
    const { DataSource } = await import('typeorm');
    await t.get(DataSource).query('DELETE FROM idempotency_keys');
    assert.equal((await call('CreateAccount', p)).result, 'success', 'retry after the key expired');
    assert.equal(await countRows(t, 'accounts'), before);
    assert.equal(await countRows(t, 'clients', 'external_id = ?', ['41']), 1);
  });

  test("CreateAccount failures come back as the panel's message", async () => {
    const taken = (await call('CreateAccount', params({ serviceid: 3102, domain: 'other.example.com' }))).result;
    assert.match(taken, /username whmcsone is already in use/);
    const nopkg = (await call('CreateAccount', params({ serviceid: 3103, username: 'whmcstwo', domain: 'two.example.com', configoption1: 'Gold' }))).result;
    assert.match(nopkg, /package "Gold" does not exist/);
    assert.equal(await countRows(t, 'accounts', 'external_id IN (?, ?)', ['3102', '3103']), 0);
  });

  test('Suspend, Unsuspend (each twice; the billing suspension, an abuse one left in force), ChangePassword, ChangePackage', async () => {
    const p = params();
    assert.equal((await call('SuspendAccount', { ...p, suspendreason: 'Overdue on Invoice #12' })).result, 'success');
    assert.equal((await account(3101)).status, 'suspended');
    assert.equal((await account(3101)).suspend_reason, 'Overdue on Invoice #12');
    assert.equal((await call('SuspendAccount', p)).result, 'success', 'already suspended');
    assert.equal((await call('UnsuspendAccount', p)).result, 'success');
    assert.equal((await call('UnsuspendAccount', p)).result, 'success', 'already active');
    assert.equal((await account(3101)).status, 'active');

    // WHMCS suspends for billing: its unsuspend never lifts an abuse suspension, and says so.
    const id = (await account(3101)).id;
    assert.equal((await call('SuspendAccount', { ...p, suspendreason: 'Overdue on Invoice #13' })).result, 'success');
    assert.deepEqual(
      (await account(3101)).suspensions.map((s: { type: string }) => s.type),
      ['billing'],
    );
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`, { body: { type: 'abuse', reason: 'Spam' } })).status, 200);
    assert.equal((await call('UnsuspendAccount', p)).result, 'Account remains suspended (abuse: Spam)');
    assert.equal((await call('UnsuspendAccount', p)).result, 'Account remains suspended (abuse: Spam)', 'a retry is told the same');
    assert.equal((await account(3101)).status, 'suspended');
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/unsuspend`, { body: { type: 'abuse' } })).body.data.status, 'active');
    assert.equal((await call('UnsuspendAccount', p)).result, 'success');

    const { DataSource } = await import('typeorm');
    const hashOf = async () => (await t.get(DataSource).query('SELECT password_hash FROM accounts WHERE external_id = ?', ['3101']))[0].password_hash;
    const old = await hashOf();
    const pw = await call('ChangePassword', { ...p, password: 'N3w-Secret-99' });
    assert.equal(pw.result, 'success');
    assert.notEqual(await hashOf(), old);
    assert.ok(!JSON.stringify(pw.logs).includes('N3w-Secret-99'));
    assert.match((await call('ChangePassword', { ...p, password: 'short' })).result, /password must be 8 to 128 characters/);

    const created = await t.call('POST', '/api/v1/packages', {
      body: { name: 'Pro', disk_quota_mb: 20480, bandwidth_mb: 0, max_domains: 5, max_databases: 5, max_email_accounts: 5, php_version: '8.2' },
    });
    assert.equal((await call('ChangePackage', { ...p, configoption1: 'Pro' })).result, 'success');
    assert.equal((await account(3101)).package_id, created.body.data.id);
  });

  test('UsageUpdate: one bulk call for the server, written to tblhosting by service id', async () => {
    const before = (await call('UsageUpdate', params())).updates.find((u) => u.where.id === 3101);
    assert.equal('diskusage' in before.values, false, 'not measured yet: left as it is');
    // Real figures: 6 MiB of files in the home, 3 MiB and a byte served by nginx.
    const root = t.config.provisioning.rootDir;
    writeFileSync(join(root, 'home/whmcsone/public_html/site.bin'), Buffer.alloc(6 * 1024 * 1024, 1));
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    const second = Math.floor(Date.now() / 1000);
    writeFileSync(join(root, 'var/log/nginx/whmcs-one.example.com.access.log'), `${second}.001 3145728\n${second}.002 1\n`);
    await t.get(UsageJobs).measureDisk();
    await t.get(UsageJobs).countTraffic();
    const figures = (await t.call('GET', '/api/v1/usage')).body.data.by_external_id['3101'];
    assert.ok(figures.disk_used_mb >= 6 && figures.disk_used_mb < 8, String(figures.disk_used_mb));
    const r = await call('UsageUpdate', params());
    assert.equal(r.result, 'success');
    assert.deepEqual(
      r.logs.map((l) => l.action),
      ['UsageUpdate'],
    );
    const mine = r.updates.find((u) => u.where.id === 3101);
    assert.equal(mine.table, 'tblhosting');
    assert.equal(mine.where.server, 2);
    assert.equal(mine.values.disklimit, 20480);
    assert.equal(mine.values.bwlimit, 0, 'unlimited');
    assert.equal(mine.values.diskusage, figures.disk_used_mb);
    assert.equal(mine.values.bwusage, 4, '3 MiB and one byte, rounded up');
  });

  test('AdminServicesTabFields and ClientArea show the account and its usage', async () => {
    const tab = (await call('AdminServicesTabFields', params())).result;
    assert.match(tab['Hostwright account'], /whmcsone \(active\)/);
    assert.match(tab.Disk, /^\d+ MB of 20 GB$/);
    const area = (await call('ClientArea', params())).result;
    assert.equal(area.templatefile, 'templates/clientarea');
    assert.equal(area.vars.hw_status, 'active');
    assert.equal(area.vars.hw_traffic, '4 MB of unlimited');
  });

  test('TerminateAccount removes the account; then the message says it is gone', async () => {
    assert.equal((await call('TerminateAccount', params())).result, 'success');
    assert.equal(await countRows(t, 'accounts', 'external_id = ?', ['3101']), 0);
    assert.match((await call('TerminateAccount', params())).result, /Account not found/);
  });
});
