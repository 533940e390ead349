import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { TokensService } from '../../src/auth/tokens.service';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { bandwidthLabel, sizeLabel } from '../../src/dialects/opterius/opterius-sizes';

let n = 0;
function fresh(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  n += 1;
  const name = `op${process.pid.toString(36)}x${n}`;
  return {
    domain: `${name}.example.org`,
    username: name,
    password: 'correct horse',
    package: 'default',
    client_email: `${name}@example.org`,
    client_name: 'Opterius Client',
    ...overrides,
  };
}

describe('Opterius verb dialect (POST /api/v1/test, /api/v1/accounts/<verb>, GET /api/v1/packages)', () => {
  let t: TestApp;
  let key: string;
  const op = (url: string, body?: unknown, token: string | null = key) => t.call('POST', url, { body: body ?? {}, token });

  before(async () => {
    t = await startTestApp();
    key = (await t.get(TokensService).create({ name: 'whmcs-integration', scopes: ['accounts:write'], dialect: 'opterius' })).secret;
  });
  after(() => t.close());

  test('POST /api/v1/test: the envelope; 401 in the dialect without a valid key', async () => {
    const r = await op('/api/v1/test');
    assert.equal(r.status, 200);
    assert.equal(r.body.result, 'success');
    assert.equal(r.body.data.panel, 'Hostwright');
    assert.equal(typeof r.body.data.version, 'string');
    const bad = await op('/api/v1/test', {}, 'opt_nope');
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { result: 'error', message: 'Invalid API key' });
  });

  test('create: 200 with account_id, username, domain, server_ip; the account is active natively with its external id and client', async () => {
    const body = fresh({ whmcs_service_id: 501, whmcs_client_id: 77 });
    const r = await op('/api/v1/accounts/create', body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.result, 'success');
    assert.deepEqual(Object.keys(r.body.data).sort(), ['account_id', 'domain', 'server_ip', 'username']);
    const native = await t.call('GET', `/api/v1/accounts/${r.body.data.account_id}`);
    assert.equal(native.body.data.status, 'active');
    assert.equal(native.body.data.external_id, '501');
    const client = await t.call('GET', `/api/v1/clients/${native.body.data.client_id}`);
    assert.equal(client.body.data.email, body.client_email);
    assert.equal(client.body.data.name, 'Opterius Client');
    assert.equal(client.body.data.external_id, '77');
    assert.ok(!r.text.includes('correct horse'));
  });

  test('create retried with the same whmcs_service_id answers as the first and makes nothing', async () => {
    const body = fresh({ whmcs_service_id: 502 });
    const first = await op('/api/v1/accounts/create', body);
    const before = await countRows(t, 'accounts');
    const [again, racing] = await Promise.all([op('/api/v1/accounts/create', body), op('/api/v1/accounts/create', body)]);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    assert.deepEqual(racing.body, first.body);
    assert.equal(await countRows(t, 'accounts'), before);
  });

  test('client_email reuses the owning client', async () => {
    const a = fresh({ client_email: 'shared-owner@example.org' });
    const b = fresh({ client_email: 'shared-owner@example.org' });
    const ra = await op('/api/v1/accounts/create', a);
    const rb = await op('/api/v1/accounts/create', b);
    const [ca, cb] = await Promise.all([ra, rb].map((r) => t.call('GET', `/api/v1/accounts/${r.body.data.account_id}`)));
    assert.equal(ca.body.data.client_id, cb.body.data.client_id);
    assert.equal(await countRows(t, 'clients', 'email = ?', ['shared-owner@example.org']), 1);
  });

  test('create refusals: 404 package listing names, 409 "already exists", 422 fields, 403 scope', async () => {
    const missing = await op('/api/v1/accounts/create', fresh({ package: 'Gold' }));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.result, 'error');
    assert.match(missing.body.message, /Package 'Gold' not found\. Available packages: .*default/);
    const taken = fresh();
    await op('/api/v1/accounts/create', taken);
    const dup = await op('/api/v1/accounts/create', { ...fresh(), username: taken.username });
    assert.equal(dup.status, 409);
    assert.match(dup.body.message, /already exists/);
    const invalid = await op('/api/v1/accounts/create', { domain: 'x.example.org' });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.result, 'error');
    assert.ok(invalid.body.errors.username && invalid.body.errors.client_email && invalid.body.errors.password);
    const readOnly = (await t.get(TokensService).create({ name: 'ro', scopes: ['account.suspend'], dialect: 'opterius' })).secret;
    const denied = await op('/api/v1/accounts/create', fresh(), readOnly);
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { result: 'error', message: 'Insufficient permissions' });
  });

  test('suspend / unsuspend by username or domain are idempotent; unknown account → 404 "Account not found"', async () => {
    const body = fresh();
    const created = await op('/api/v1/accounts/create', body);
    const id = created.body.data.account_id;
    const s1 = await op('/api/v1/accounts/suspend', { username: body.username });
    assert.equal(s1.status, 200);
    assert.equal(s1.body.message, 'Account suspended successfully');
    const s2 = await op('/api/v1/accounts/suspend', { domain: body.domain });
    assert.equal(s2.status, 200);
    assert.equal(s2.body.message, 'Account already suspended');
    const native = await t.call('GET', `/api/v1/accounts/${id}`);
    assert.equal(native.body.data.status, 'suspended');
    assert.equal(native.body.data.suspend_reason, 'Suspended by billing system');
    const u1 = await op('/api/v1/accounts/unsuspend', { username: body.username });
    assert.equal(u1.body.message, 'Account unsuspended successfully');
    const u2 = await op('/api/v1/accounts/unsuspend', { username: body.username });
    assert.equal(u2.status, 200);
    assert.equal(u2.body.message, 'Account already active');
    const none = await op('/api/v1/accounts/suspend', { username: 'nosuchuser' });
    assert.equal(none.status, 404);
    assert.deepEqual(none.body, { result: 'error', message: 'Account not found' });
    const nobody = await op('/api/v1/accounts/suspend', {});
    assert.equal(nobody.status, 404);
  });

  test('password and package change through the native service; terminate removes the row', async () => {
    await t.call('POST', '/api/v1/packages', {
      body: { name: 'Starter', disk_quota_mb: 500, bandwidth_mb: 0, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: '8.2' },
    });
    const body = fresh();
    const id = (await op('/api/v1/accounts/create', body)).body.data.account_id;
    const pw = await op('/api/v1/accounts/password', { username: body.username, password: 'another horse' });
    assert.equal(pw.status, 200);
    assert.equal(pw.body.result, 'success');
    const short = await op('/api/v1/accounts/password', { username: body.username, password: 'short' });
    assert.equal(short.status, 422);
    const pkg = await op('/api/v1/accounts/package', { domain: body.domain, package: 'Starter' });
    assert.equal(pkg.status, 200, pkg.text);
    const native = await t.call('GET', `/api/v1/accounts/${id}`);
    const starter = (await t.call('GET', '/api/v1/packages')).body.data.find((p: { name: string }) => p.name === 'Starter');
    assert.equal(native.body.data.package_id, starter.id);
    const nopkg = await op('/api/v1/accounts/package', { domain: body.domain, package: 'starter' });
    assert.equal(nopkg.status, 404);
    assert.match(nopkg.body.message, /Available packages: default, Starter/);
    const usage = await op('/api/v1/accounts/usage', { username: body.username });
    assert.equal(usage.status, 200);
    assert.deepEqual(usage.body.data, { username: body.username, domain: body.domain, suspended: false, disk_used_mb: 0, disk_limit: 500, bw_used_mb: 0 });
    const gone = await op('/api/v1/accounts/terminate', { username: body.username });
    assert.equal(gone.status, 200);
    assert.equal(gone.body.message, 'Account terminated successfully');
    assert.equal((await t.call('GET', `/api/v1/accounts/${id}`)).status, 404);
  });

  test('GET /api/v1/packages: the Opterius shape for an opterius token (no packages scope needed), native for others', async () => {
    const onlySuspend = (await t.get(TokensService).create({ name: 'op-s', scopes: ['account.suspend'], dialect: 'opterius' })).secret;
    const r = await t.call('GET', '/api/v1/packages', { token: onlySuspend });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.result, 'success');
    const def = r.body.data.find((p: { name: string }) => p.name === 'default');
    assert.deepEqual(def, { name: 'default', disk_quota: '10 GB', bandwidth: '100 GB/mo', php_default: '8.2' });
    const native = await t.call('GET', '/api/v1/packages');
    assert.equal(native.body.result, undefined);
    assert.equal(typeof native.body.data[0].id, 'number');
  });

  test('size labels as Opterius writes them', () => {
    assert.equal(sizeLabel(0), 'Unlimited');
    assert.equal(sizeLabel(500), '500 MB');
    assert.equal(sizeLabel(10240), '10 GB');
    assert.equal(sizeLabel(1536), '1.5 GB');
    assert.equal(bandwidthLabel(102400), '100 GB/mo');
    assert.equal(bandwidthLabel(0), 'Unlimited');
  });

  test('tokens: dialect settable at create through the API and listed', async () => {
    const r = await t.call('POST', '/api/v1/tokens', { body: { name: 'whmcs', scopes: ['account.create', 'account.suspend'], dialect: 'opterius' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.data.dialect, 'opterius');
    assert.ok(r.body.data.scopes.includes('packages:read'));
    const bad = await t.call('POST', '/api/v1/tokens', { body: { name: 'x', scopes: ['*'], dialect: 'cpanel' } });
    assert.equal(bad.status, 422);
    const created = await op('/api/v1/accounts/create', fresh(), r.body.data.token);
    assert.equal(created.status, 200);
    // The opterius scope names grant nothing native.
    assert.equal((await t.call('GET', '/api/v1/accounts', { token: r.body.data.token })).status, 403);
  });

  test('licence account limit on create → 422 with its text', async () => {
    const { LicenseService } = await import('../../src/license/license.service');
    const license = t.get(LicenseService);
    const original = license.reserveSeat.bind(license);
    license.reserveSeat = async () => {
      const { DomainError } = await import('../../src/common/errors/domain-error');
      throw new DomainError('account_limit_reached', 'Account limit reached (5/5) for the free plan');
    };
    try {
      const r = await op('/api/v1/accounts/create', fresh());
      assert.equal(r.status, 422);
      assert.match(r.body.message, /Account limit reached \(5\/5\)/);
    } finally {
      license.reserveSeat = original;
    }
  });

  test('POST /api/v1/accounts/usage reads the measured figures (the same as the native usage routes)', async () => {
    const body = fresh();
    const created = await op('/api/v1/accounts/create', body);
    assert.equal(created.body.result, 'success', created.text);
    const root = t.config.provisioning.rootDir;
    writeFileSync(join(root, 'home', String(body.username), 'public_html/video.bin'), Buffer.alloc(5 * 1024 * 1024, 1));
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    const second = Math.floor(Date.now() / 1000);
    writeFileSync(join(root, 'var/log/nginx', `${String(body.domain)}.access.log`), `${second}.100 2097152\n${second}.200 1048577\n`);
    await t.get(UsageJobs).measureDisk();
    await t.get(UsageJobs).countTraffic();
    const native = (await t.call('GET', '/api/v1/usage')).body.data.accounts.find((a: { username: string }) => a.username === body.username);
    assert.ok(native.disk_used_mb >= 5);
    assert.equal(native.bandwidth_used_mb, 4, '3 MiB and one byte, rounded up');
    const usage = await op('/api/v1/accounts/usage', { username: body.username });
    assert.equal(usage.status, 200, usage.text);
    assert.deepEqual(usage.body.data, {
      username: body.username,
      domain: body.domain,
      suspended: false,
      disk_used_mb: native.disk_used_mb,
      disk_limit: native.disk_limit_mb,
      bw_used_mb: 4,
    });
  });

  test('GET /api/v1/usage: every account, keyed by id and external id; null for unmeasured and unlimited', async () => {
    const a = await createAccount(t, { external_id: 'svc-9001' });
    const r = await t.call('GET', '/api/v1/usage');
    assert.equal(r.status, 200);
    const row = r.body.data.by_id[String(a.id)];
    assert.equal(row.disk_used_mb, null, 'no disk pass yet');
    assert.equal(row.disk_limit_mb, 10240);
    assert.equal(row.bandwidth_used_mb, null);
    assert.deepEqual(r.body.data.by_external_id['svc-9001'], row);
    assert.equal(r.body.data.accounts.length, await countRows(t, 'accounts'));
    const ro = await t.createToken(['packages:read']);
    assert.equal((await t.call('GET', '/api/v1/usage', { token: ro })).status, 403);
  });
});

test('CLI: token:create --dialect opterius makes an Opterius token; an unknown dialect is refused', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { REPO_ROOT } = await import('../support/test-app');
  const dir = mkdtempSync(join(tmpdir(), 'hw-op-cli-'));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), ...args], {
      env: { PATH: process.env.PATH, HW_LOG_LEVEL: 'silent', HW_DATA_DIR: dir, HW_ROOT_DIR: join(dir, 'root') },
      encoding: 'utf8',
    });
  try {
    const made = cli('token:create', '--name', 'whmcs-integration', '--scopes', 'account.create,account.suspend', '--dialect', 'opterius');
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /account\.create,account\.suspend,packages:read, dialect opterius/);
    const bad = cli('token:create', '--name', 'x', '--scopes', '*', '--dialect', 'cpanel');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown dialect cpanel/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
