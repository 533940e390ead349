import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error';
import { LicenseService } from '../../src/license/license.service';
import { AccountProvisioner, AccountTarget, markUnchanged, PlanPreview } from '../../src/provisioning/provisioning.port';
import { accountBody, countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

type Step = 'create' | 'suspend' | 'unsuspend' | 'remove' | 'changePhpVersion';

/** A provisioner that records its calls and fails the steps it is told to (a fault injector). */
class ScriptedProvisioner extends AccountProvisioner {
  calls: string[] = [];
  failing = new Set<Step>();

  private step(step: Step, detail: string): void {
    this.calls.push(`${step} ${detail}`);
    // It fails before doing anything: the server is unchanged (the accounts service needs no reverse plan).
    if (this.failing.has(step)) throw markUnchanged(new DomainError('agent_unreachable', 'The agent did not answer'));
  }
  async create(t: AccountTarget) {
    this.step('create', t.username);
  }
  async suspend(t: AccountTarget) {
    this.step('suspend', t.username);
  }
  async unsuspend(t: AccountTarget) {
    this.step('unsuspend', t.username);
  }
  async remove(t: AccountTarget) {
    this.step('remove', t.username);
  }
  async changePhpVersion(t: AccountTarget, from: string) {
    this.step('changePhpVersion', `${t.username} ${from}->${t.phpVersion}`);
  }
  async changePassword() {}
  async removeMailbox() {}
  async plan(t: AccountTarget): Promise<PlanPreview> {
    return { steps: ['user'], files: [], records: [], commands: [['useradd', t.username]] };
  }
}

/** The licence as the licence feature will behave: writes blocked, seats counted. */
class SwitchableLicense {
  writable = true;
  seatsLeft = Number.POSITIVE_INFINITY;
  assertWritable(): void {
    if (!this.writable) throw new DomainError('license_required', 'The licence is invalid or expired');
  }
  async reserveSeat(): Promise<void> {
    if (this.seatsLeft <= 0) throw new DomainError('account_limit_reached', 'The account limit of the plan is reached');
    this.seatsLeft -= 1;
  }
}

describe('accounts: provisioning and licence failures leave nothing behind', () => {
  let t: TestApp;
  const provisioner = new ScriptedProvisioner();
  const license = new SwitchableLicense();
  before(async () => {
    t = await startTestApp({
      override: (b) => b.overrideProvider(AccountProvisioner).useValue(provisioner).overrideProvider(LicenseService).useValue(license),
    });
  });
  after(() => t.close());
  beforeEach(() => {
    provisioner.failing.clear();
    provisioner.calls = [];
    license.writable = true;
    license.seatsLeft = Number.POSITIVE_INFINITY;
  });

  test('create: a failing provisioner → its error (503), no row, and the name is free again', async () => {
    provisioner.failing.add('create');
    const body = accountBody();
    const r = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(r.status, 503);
    assert.equal(r.body.error, 'agent_unreachable');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
    provisioner.failing.clear();
    assert.equal((await t.call('POST', '/api/v1/accounts', { body })).status, 201);
    assert.deepEqual(provisioner.calls, [`create ${body.username}`, `create ${body.username}`]);
  });

  test('seed 000 403 rows: license_required and account_limit_reached, nothing created', async () => {
    const before = await countRows(t, 'accounts');
    license.writable = false;
    const blocked = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error, 'license_required');
    license.writable = true;
    license.seatsLeft = 0;
    const full = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
    assert.equal(full.status, 403);
    assert.equal(full.body.error, 'account_limit_reached');
    assert.equal(await countRows(t, 'accounts'), before);
    assert.deepEqual(provisioner.calls, []);
  });

  test('seed 001 403 row: delete while the licence is invalid → 403 license_required, the account stays', async () => {
    const account = await createAccount(t);
    license.writable = false;
    const r = await t.call('DELETE', `/api/v1/accounts/${account.id}`);
    assert.equal(r.status, 403);
    assert.equal(r.body.error, 'license_required');
    assert.equal(await countRows(t, 'accounts', 'id = ? AND status = ?', [account.id, 'active']), 1);
    assert.equal((await t.call('GET', `/api/v1/accounts/${account.id}`)).status, 200, 'reads are never blocked');
  });

  test('delete: a failing removal leaves the row failed; a retry removes it', async () => {
    const account = await createAccount(t);
    provisioner.failing.add('remove');
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${account.id}`)).status, 503);
    assert.equal((await t.call('GET', `/api/v1/accounts/${account.id}`)).body.data.status, 'failed');
    provisioner.failing.clear();
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${account.id}`)).status, 204);
    assert.equal(await countRows(t, 'accounts', 'id = ?', [account.id]), 0);
  });

  test('suspend / unsuspend: a failing step puts the status back', async () => {
    const account = await createAccount(t);
    provisioner.failing.add('suspend');
    assert.equal((await t.call('POST', `/api/v1/accounts/${account.id}/suspend`, { body: { reason: 'x' } })).status, 503);
    assert.equal((await t.call('GET', `/api/v1/accounts/${account.id}`)).body.data.status, 'active');
    provisioner.failing.clear();
    assert.equal((await t.call('POST', `/api/v1/accounts/${account.id}/suspend`, { body: { reason: 'x' } })).status, 200);
    provisioner.failing.add('unsuspend');
    assert.equal((await t.call('POST', `/api/v1/accounts/${account.id}/unsuspend`)).status, 503);
    const got = (await t.call('GET', `/api/v1/accounts/${account.id}`)).body.data;
    assert.equal(got.status, 'suspended');
    assert.equal(got.suspend_reason, 'x');
  });

  test('a package change calls changePhpVersion only when the PHP version differs', async () => {
    const mk = async (name: string, php: string) =>
      (
        await t.call('POST', '/api/v1/packages', {
          body: { name, disk_quota_mb: 1, bandwidth_mb: 1, max_domains: 1, max_databases: 1, max_email_accounts: 1, php_version: php },
        })
      ).body.data.id;
    const same = await mk('same82', '8.2');
    const newer = await mk('new83', '8.3');
    const account = await createAccount(t);
    provisioner.calls = [];
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package_id: same } })).status, 200);
    assert.deepEqual(provisioner.calls, []);
    provisioner.failing.add('changePhpVersion');
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package_id: newer } })).status, 503);
    const [row] = await t.get(DataSource).query('SELECT package_id, php_version FROM accounts WHERE id = ?', [account.id]);
    assert.deepEqual([Number(row.package_id), row.php_version], [same, '8.2']);
    provisioner.failing.clear();
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { package_id: newer } })).body.data.php_version, '8.3');
    assert.deepEqual(provisioner.calls, [`changePhpVersion ${account.username} 8.2->8.3`, `changePhpVersion ${account.username} 8.2->8.3`]);
  });
});
