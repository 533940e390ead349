import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { AccountProvisioner, AccountTarget } from '../../src/provisioning/provisioning.port';
import { ProvisioningReconciler } from '../../src/provisioning/reconciler.service';
import { startTestApp, TestApp } from '../support/test-app';
import { accountRow, countingCommand, dnsRows, insertAccount, leftovers, loggedRuns, newTarget, readRoot } from './support';
import { disagreements } from './agreement';

describe('reloads and the reconciler (one app with counting reload commands)', () => {
  let t: TestApp;
  let root: string;
  let provisioner: AccountProvisioner;
  let dir: string;
  const runs = (name: string) => loggedRuns(dir, name);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hw-reloads-'));
    t = await startTestApp({
      env: {
        HW_NGINX_TEST_CMD: countingCommand(dir, 'nginx-test'),
        HW_NGINX_RELOAD_CMD: countingCommand(dir, 'nginx-reload'),
        HW_PHPFPM_RELOAD_CMD: countingCommand(dir, 'fpm-reload'),
        // Nothing is reloaded for real: no new generation to wait for.
        HW_RELOAD_WAIT: 'false',
      },
    });
    root = t.config.provisioning.rootDir;
    provisioner = t.get(AccountProvisioner);
  });
  after(() => t.close());

  test('100 parallel creates cause at most 3 reloads, each after nginx -t', async () => {
    const targets: AccountTarget[] = [];
    for (let i = 0; i < 100; i++) targets.push(await insertAccount(t, newTarget('par'), 'provisioning'));
    await Promise.all(targets.map((a) => provisioner.create(a)));
    const reloads = runs('nginx-reload');
    assert.ok(reloads >= 1 && reloads <= 3, `nginx reloads for 100 creates: ${reloads}`);
    assert.equal(runs('nginx-test'), reloads);
    assert.equal(runs('fpm-reload'), reloads);
    const [{ n }] = await t.get(DataSource).query("SELECT COUNT(*) AS n FROM mail_domains WHERE account LIKE 'par%'");
    assert.equal(Number(n), 100, 'one mail domain per account, none lost');

    // The rows go the way the accounts API's delete would leave them; the files stay (the app's temp root goes at close).
    await t.get(DataSource).query("DELETE FROM accounts WHERE username LIKE 'par%'");
  });

  test('reconciler: a row stuck in provisioning is rolled back, one stuck in deleting is finished; a second pass finds nothing', async () => {
    const stuckCreate = await insertAccount(t, newTarget('stk'), 'provisioning');
    await provisioner.create(stuckCreate);
    const stuckDelete = await insertAccount(t, newTarget('std'), 'provisioning');
    await provisioner.create(stuckDelete);
    const ds = t.get(DataSource);
    await ds.query("UPDATE accounts SET status = 'deleting' WHERE id = ?", [stuckDelete.id]);
    const fresh = await insertAccount(t, newTarget('fresh'), 'provisioning');

    const reconciler = t.get(ProvisioningReconciler);
    assert.equal(await reconciler.reconcile(3600), 0, 'rows touched within the grace period are left alone');
    assert.equal(await reconciler.reconcile(-1), 3);
    for (const a of [stuckCreate, stuckDelete, fresh]) {
      assert.equal(await accountRow(t, a.id), undefined);
      assert.deepEqual(leftovers(root, a), []);
      assert.deepEqual(await dnsRows(t, a.domain), { domains: 0, records: 0 });
    }
    assert.equal(await reconciler.reconcile(-1), 0);
  });

  test('reconciler drives interrupted suspend, unsuspend, undo and PHP move to the target their row recorded', async () => {
    const ds = t.get(DataSource);
    const reconciler = t.get(ProvisioningReconciler);
    const made = async (prefix: string) => {
      const a = await insertAccount(t, newTarget(prefix), 'provisioning');
      await provisioner.create(a);
      return a;
    };
    // A suspend killed after its first step; an unsuspend killed after its first; a suspend whose
    // failure was being undone (target active); a package change killed mid PHP move.
    const suspending = await made('rsus');
    await ds.query("UPDATE accounts SET status = 'suspending', target_status = 'suspended', suspend_reason = 'unpaid' WHERE id = ?", [suspending.id]);
    const unsuspending = await made('runs');
    await provisioner.suspend(unsuspending);
    await ds.query("UPDATE accounts SET status = 'unsuspending', target_status = 'active', suspend_reason = 'x' WHERE id = ?", [unsuspending.id]);
    const undoing = await made('rund');
    await provisioner.suspend(undoing);
    await ds.query("UPDATE accounts SET status = 'suspending', target_status = 'active', suspend_reason = 'x' WHERE id = ?", [undoing.id]);
    const updating = await made('rupd');
    const pending = JSON.stringify({ php: { from: '8.2', to: '8.3' }, changes: { email: 'moved@example.net' } });
    await ds.query("UPDATE accounts SET status = 'updating', target_status = 'active', pending = ? WHERE id = ?", [pending, updating.id]);

    assert.equal(await reconciler.reconcile(-1), 4);
    const row = async (id: number) => (await ds.query('SELECT status, target_status, suspend_reason, php_version, email, pending FROM accounts WHERE id = ?', [id]))[0];
    assert.deepEqual(
      { ...(await row(suspending.id)) },
      { status: 'suspended', target_status: null, suspend_reason: 'unpaid', php_version: '8.2', email: suspending.email, pending: null },
    );
    assert.equal((await row(unsuspending.id)).status, 'active');
    assert.equal((await row(unsuspending.id)).suspend_reason, null);
    assert.equal((await row(undoing.id)).status, 'active');
    const updated = await row(updating.id);
    assert.deepEqual([updated.status, updated.php_version, updated.email, updated.pending], ['active', '8.3', 'moved@example.net', null]);
    assert.ok(readRoot(root, `etc/php/8.3/fpm/pool.d/${updating.domain}.conf`), 'the pool moved to 8.3');
    assert.equal(readRoot(root, `etc/php/8.2/fpm/pool.d/${updating.domain}.conf`), null, 'the 8.2 pool is gone');
    const status = async (a: AccountTarget) => (await row(a.id)).status as string;
    const problems = disagreements(root, await Promise.all([suspending, unsuspending, undoing, updating].map(async (a) => ({ ...a, status: await status(a) }))));
    assert.deepEqual(problems, []);
    assert.equal(await reconciler.reconcile(-1), 0, 'nothing left to do');
    for (const a of [suspending, unsuspending, undoing, updating]) {
      await provisioner.remove({ ...a, phpVersion: a === updating ? '8.3' : a.phpVersion });
      await ds.query('DELETE FROM accounts WHERE id = ?', [a.id]);
    }
  });

  test('reconciler leaves an account this process is still creating alone', async () => {
    const a = await insertAccount(t, newTarget('busy'), 'provisioning');
    const creating = provisioner.create(a);
    const passed = await t.get(ProvisioningReconciler).reconcile(-1);
    await creating;
    assert.equal(passed, 0);
    assert.equal((await accountRow(t, a.id))?.status, 'provisioning');
    assert.ok(readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`));
    await provisioner.remove(a);
  });
});
