import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { ProvisioningService } from '../../src/provisioning/provisioning.service';
import { accountBody, countRows } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { accountRow, dnsRows, insertAccount, leftovers, listTree, newTarget, readRoot } from './support';

/** Issue 14 on real files: what the API stores can always be acted on, and an account in any state can always be deleted. */
describe('the value grammar and the lifecycle, on real files', () => {
  let t: TestApp;
  let root: string;

  before(async () => {
    t = await startTestApp();
    root = t.config.provisioning.rootDir;
  });
  after(() => t.close());

  test('PATCH {"email":"a&b@example.com"} → 422 naming email; the account still suspends, and DELETE → 204 with nothing left', async () => {
    const body = accountBody();
    const created = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;
    const patched = await t.call('PATCH', `/api/v1/accounts/${id}`, { body: { email: 'a&b@example.com' } });
    assert.equal(patched.status, 422, patched.text);
    assert.deepEqual(
      patched.body.details.map((d: { field: string }) => d.field),
      ['email'],
    );
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`)).status, 200);
    const deleted = await t.call('DELETE', `/api/v1/accounts/${id}`);
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal(await countRows(t, 'accounts', 'id = ?', [id]), 0);
    assert.deepEqual(leftovers(root, { id, username: String(body.username), domain: String(body.domain), email: '', phpVersion: '8.2' }), []);
  });

  test('a row stored before the grammar tightened (its email no longer passes) is deleted: 204, its files and seat gone, whatever its state', async () => {
    for (const status of ['active', 'suspended', 'failed'] as const) {
      const target = newTarget('legacy');
      // Its pieces, made while its values were fine; then its row as an older version stored it.
      await t.get(ProvisioningService).create(target);
      if (status === 'suspended') await t.get(ProvisioningService).suspend(target);
      assert.ok(readRoot(root, `etc/nginx/sites-available/${target.domain}.conf`));
      const row = await insertAccount(t, { ...target, email: 'a&b@example.com' }, status);
      const seats = await countRows(t, 'accounts');
      const r = await t.call('DELETE', `/api/v1/accounts/${row.id}`);
      assert.equal(r.status, 204, `${status}: ${r.text}`);
      assert.equal(await accountRow(t, row.id), undefined);
      assert.equal(await countRows(t, 'accounts'), seats - 1, 'its seat is free again');
      assert.deepEqual(leftovers(root, target), [], status);
      assert.deepEqual(await dnsRows(t, target.domain), { domains: 0, records: 0 });
    }
  });

  test("rows whose username or domain the grammar now refuses (reserved name, mixed script, another account's child) are deleted too", async () => {
    const owner = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
    assert.equal(owner.status, 201, owner.text);
    const ownerDns = await dnsRows(t, owner.body.data.domain);
    const legacy = [
      { ...newTarget('old'), username: 'none' },
      { ...newTarget('old'), domain: 'xn--pple-43d.example' },
      { ...newTarget('old'), domain: `www.${owner.body.data.domain}` },
    ];
    for (const target of legacy) {
      const row = await insertAccount(t, target, 'failed');
      const r = await t.call('DELETE', `/api/v1/accounts/${row.id}`);
      assert.equal(r.status, 204, `${JSON.stringify(target)}: ${r.text}`);
      assert.equal(await accountRow(t, row.id), undefined);
    }
    // The owner's pieces are untouched by the removal of its would-be shadow.
    assert.ok(readRoot(root, `etc/nginx/sites-available/${owner.body.data.domain}.conf`));
    assert.deepEqual(await dnsRows(t, owner.body.data.domain), ownerDns);
  });

  test('usernames php-fpm reads as constants (none → no user, yes → uid 1) → 422 before anything is written', async () => {
    const before = listTree(root);
    for (const username of ['none', 'yes', 'true', 'off', 'null', 'false']) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username }) });
      assert.equal(r.status, 422, r.text);
      assert.deepEqual(
        r.body.details.map((d: { field: string }) => d.field),
        ['username'],
      );
    }
    assert.deepEqual(listTree(root), before);
    assert.doesNotMatch(readRoot(root, 'etc/passwd') ?? '', /^(none|yes):/m);
    const [row] = await t.get(DataSource).query("SELECT COUNT(*) AS n FROM accounts WHERE username IN ('none', 'yes')");
    assert.equal(Number(row.n), 0);
  });
});
