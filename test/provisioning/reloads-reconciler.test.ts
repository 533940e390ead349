import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { AccountProvisioner, AccountTarget } from '../../src/provisioning/provisioning.port';
import { ProvisioningReconciler } from '../../src/provisioning/reconciler.service';
import { startTestApp, TestApp } from '../support/test-app';
import { accountRow, dnsRows, insertAccount, leftovers, newTarget, readRoot } from './support';

/** A command that appends its name to a log: the real reload commands of this app. */
function countingCommand(dir: string, name: string): string {
  const script = join(dir, `${name}.sh`);
  writeFileSync(script, `#!/bin/sh\necho ${name} >> "${join(dir, 'runs.log')}"\n`);
  chmodSync(script, 0o755);
  return JSON.stringify([script]);
}

describe('reloads and the reconciler (one app with counting reload commands)', () => {
  let t: TestApp;
  let root: string;
  let provisioner: AccountProvisioner;
  let dir: string;
  const runs = (name: string) => (existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').split('\n').filter((l) => l === name).length : 0);

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
    assert.equal(readRoot(root, 'etc/postfix/vmailbox')!.split('\n').filter(Boolean).length, 100, 'one map line per account, none lost');

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
