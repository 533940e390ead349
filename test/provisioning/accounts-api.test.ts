import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StepName } from '../../src/agent-protocol/plan';
import { accountBody, countRows } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { dnsRows, faultOverride, leftovers, listTree, readRoot } from './support';

const CREATE_STEPS: StepName[] = ['user', 'password', 'home', 'php_pool', 'vhost', 'dns', 'mail', 'reload'];

/** The same provisioning, driven as a billing system does: through POST/DELETE /api/v1/accounts. */
describe('provisioning through the accounts API', () => {
  let t: TestApp;
  let root: string;
  const fault: { step: StepName | null } = { step: null };
  const target = (body: Record<string, unknown>) => ({ id: 0, username: String(body.username), domain: String(body.domain), email: '', phpVersion: '8.2' });

  before(async () => {
    t = await startTestApp({ override: faultOverride(fault) });
    root = t.config.provisioning.rootDir;
  });
  after(() => t.close());

  test('POST → 201 active with the server state made; suspend → 503 vhost; unsuspend restores; DELETE → 204 and nothing left', async () => {
    const body = accountBody();
    const created = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.data.status, 'active');
    const id = created.body.data.id;
    const vhostPath = `etc/nginx/sites-available/${body.domain}.conf`;
    const vhost = readRoot(root, vhostPath);
    assert.ok(vhost?.includes(`server_name ${body.domain} `));
    // nginx writes its logs as root: outside the tenant's home, where a symlink could redirect them.
    assert.ok(vhost?.includes(`/var/log/nginx/${body.domain}.access.log hostwright_usage;`));
    assert.doesNotMatch(vhost!, /(access|error)_log [^;]*\/home\//);
    assert.match(readRoot(root, 'etc/passwd')!, new RegExp(`^${body.username}:x:`, 'm'));
    assert.equal((await dnsRows(t, String(body.domain))).domains, 1);

    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`)).status, 200);
    assert.match(readRoot(root, vhostPath)!, /return 503/);
    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/unsuspend`)).status, 200);
    assert.equal(readRoot(root, vhostPath), vhost);

    const deleted = await t.call('DELETE', `/api/v1/accounts/${id}`);
    assert.equal(deleted.status, 204);
    assert.deepEqual(leftovers(root, target(body)), []);
    assert.deepEqual(await dnsRows(t, String(body.domain)), { domains: 0, records: 0 });
    assert.equal(await countRows(t, 'accounts', 'id = ?', [id]), 0);
  });

  test('POST ?dry_run=true → 200 with the plan; nothing written, no row', async () => {
    const body = accountBody();
    const before = listTree(root);
    const r = await t.call('POST', '/api/v1/accounts?dry_run=true', { body });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.data.steps, CREATE_STEPS);
    assert.ok(r.body.data.files.some((f: string) => f.endsWith(`sites-available/${body.domain}.conf`)));
    assert.ok(r.body.data.records.some((rec: { type: string }) => rec.type === 'SOA'));
    assert.deepEqual(listTree(root), before);
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
  });

  test('hostile usernames and domains → 422 validation_failed; nothing written', async () => {
    const before = listTree(root);
    const hostile = [
      { username: 'a;rm' },
      { username: '../etc' },
      { username: 'root' },
      { username: 'x\ny' },
      { domain: 'x.example.org;include /etc/passwd' },
      { domain: 'x.example.org\n}' },
      { domain: '../../etc' },
      { domain: 'a"b.example.org' },
      { domain: 'a{b}.example.org' },
      { domain: 'a/b.example.org' },
    ];
    for (const bad of hostile) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody(bad) });
      assert.equal(r.status, 422, JSON.stringify(bad));
      assert.equal(r.body.error, 'validation_failed');
    }
    assert.deepEqual(listTree(root), before);
  });

  for (const [k, step] of CREATE_STEPS.entries()) {
    test(`a fault at step ${k + 1} (${step}) → 500 provisioning_failed, no row, no file, no DNS row, no user`, async () => {
      const body = accountBody();
      fault.step = step;
      let r;
      try {
        r = await t.call('POST', '/api/v1/accounts', { body });
      } finally {
        fault.step = null;
      }
      assert.equal(r.status, 500, r.text);
      assert.equal(r.body.error, 'provisioning_failed');
      assert.ok(!r.text.includes(root), 'no path reaches the client');
      assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
      assert.deepEqual(leftovers(root, target(body)), []);
      assert.deepEqual(await dnsRows(t, String(body.domain)), { domains: 0, records: 0 });
    });
  }
});
