import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DatabaseService } from '../../src/platform/database/database.service';
import { LeaseService } from '../../src/platform/scheduling/lease.service';
import { accountBody } from '../support/accounts';
import { FleetPanel } from '../support/fleet-processes';
import { GaleraCluster, GaleraNode } from '../support/galera';
import { TestLicenseVendor } from '../support/licenses';
import { signedHeadersV2 } from '../support/signing';

/*
 * Two panel processes on two nodes of a real three-node Galera cluster (scripts/galera-cluster.sh),
 * one database: the decisions that one MariaDB server makes with a row lock or a unique index must
 * hold when the racing writes land on different nodes and Galera decides at commit.
 */
const GALERA_BASE = 19400;
const PANEL_PORTS = [19440, 19441];
const vendor = new TestLicenseVendor();

describe('two panels on a Galera cluster', () => {
  let cluster: GaleraCluster;
  let dir: string;
  let database: string;
  let a: FleetPanel;
  let b: FleetPanel;
  let token: string;

  before(async () => {
    cluster = await GaleraCluster.start(GALERA_BASE);
    dir = mkdtempSync(join(tmpdir(), 'hw-cluster-panels-'));
    chmodSync(dir, 0o755);
    database = await cluster.createDatabase();
    const licenseFile = join(dir, 'license.json');
    writeFileSync(licenseFile, vendor.issue({ max_accounts: 50 }));
    const common = { ...vendor.env, HW_LICENSE_FILE: licenseFile, HW_SECRET_KEY_FILE: join(dir, 'secret.key'), HW_RATE_LIMIT: '100000' };
    a = await FleetPanel.start('panel-a', dir, PANEL_PORTS[0], { ...common, DATABASE_URL: cluster.url(1, database) });
    token = a.firstToken;
    b = await FleetPanel.start('panel-b', dir, PANEL_PORTS[1], { ...common, DATABASE_URL: cluster.url(2, database) });
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function rows(node: GaleraNode, sql: string): Promise<number> {
    const result = await cluster.query<{ n: number | string }[]>(node, `SELECT COUNT(*) AS n FROM \`${database}\`.${sql}`);
    return Number(result[0].n);
  }

  test('100 concurrent creates over both panels with a 50-seat licence: exactly 50 accounts, 50 account_limit_reached', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? b : a).call('POST', '/api/v1/accounts', token, accountBody())));
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status !== 201);
    assert.equal(created.length, 50, JSON.stringify(refused.filter((r) => r.body?.error !== 'account_limit_reached').slice(0, 3)));
    for (const r of refused) assert.deepEqual([r.status, r.body.error], [403, 'account_limit_reached']);
    // Both panels won seats (the race really crossed nodes).
    assert.ok(created.length > 0 && answers.some((r, i) => i % 2 === 1 && r.status === 201) && answers.some((r, i) => i % 2 === 0 && r.status === 201));
    for (const node of [1, 2, 3] as GaleraNode[]) assert.equal(await rows(node, 'accounts'), 50, `node ${node}`);
    for (const panel of [a, b]) assert.equal((await panel.call('GET', '/api/v1/license', token)).body.data.accounts_used, 50);
  });

  test('a bigger licence installed on both panels opens seats again', async () => {
    const text = vendor.issue({ max_accounts: 1000 });
    for (const panel of [a, b]) assert.equal((await panel.call('PUT', '/api/v1/license', token, { license: text })).status, 200);
    assert.equal((await b.call('POST', '/api/v1/accounts', token, accountBody())).status, 201);
  });

  test('the last seat raced from both panels, round after round: exactly one create wins it', async () => {
    for (let round = 0; round < 15; round++) {
      const used = await rows(1, 'accounts');
      const text = vendor.issue({ max_accounts: used + 1 });
      for (const panel of [a, b]) assert.equal((await panel.call('PUT', '/api/v1/license', token, { license: text })).status, 200);
      const answers = await Promise.all([a, b, a, b].map((panel) => panel.call('POST', '/api/v1/accounts', token, accountBody())));
      assert.deepEqual(answers.map((r) => r.status).sort(), [201, 403, 403, 403], `round ${round}: ${JSON.stringify(answers.map((r) => r.body))}`);
      assert.equal(await rows(3, 'accounts'), used + 1);
    }
    const text = vendor.issue({ max_accounts: 1000 });
    for (const panel of [a, b]) assert.equal((await panel.call('PUT', '/api/v1/license', token, { license: text })).status, 200);
  });

  test('one Idempotency-Key sent to both panels at once: one account, both answers name it', async () => {
    for (let round = 0; round < 10; round++) {
      const key = `cross-node-${round}-${randomBytes(4).toString('hex')}`;
      const body = accountBody();
      const [first, second] = await Promise.all([a, b].map((panel) => panel.call('POST', '/api/v1/accounts', token, body, { 'idempotency-key': key })));
      const statuses = [first.status, second.status].sort();
      assert.ok(
        (statuses[0] === 201 && statuses[1] === 201) || (statuses[0] === 201 && statuses[1] === 409),
        `round ${round}: ${first.status} ${JSON.stringify(first.body)} / ${second.status} ${JSON.stringify(second.body)}`,
      );
      for (const r of [first, second]) if (r.status === 409) assert.equal(r.body.error, 'idempotency_in_progress');
      assert.equal(await rows(3, `accounts WHERE username = '${body.username as string}'`), 1);
      // A retry (to either panel) answers the same account.
      const again = await b.call('POST', '/api/v1/accounts', token, body, { 'idempotency-key': key });
      assert.equal(again.status, 201);
      assert.equal(again.body.data.id, (first.status === 201 ? first : second).body.data.id);
    }
  });

  test('one signed request (one nonce) sent to both panels at once: exactly one is accepted', async () => {
    const signer = (await a.call('POST', '/api/v1/tokens', token, { name: 'signer', scopes: ['*'], can_sign: true })).body.data.token as string;
    for (let round = 0; round < 10; round++) {
      const headers = signedHeadersV2(signer, 'GET', '/api/ping');
      const answers = await Promise.all([a, b].map((panel) => fetch(`${panel.url}/api/ping`, { headers })));
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 401], `round ${round}`);
    }
  });

  test('a lease raced from two nodes: exactly one holder each round', async () => {
    const sources = await Promise.all(
      [1, 2].map((node) =>
        new DataSource({ type: 'mariadb', host: '127.0.0.1', port: cluster.port(node as GaleraNode), username: 'root', password: '', database }).initialize(),
      ),
    );
    try {
      const leases = sources.map((source) => new LeaseService(new DatabaseService(source)));
      for (let round = 0; round < 20; round++) {
        const name = `race-${round}`;
        const won = await Promise.all(leases.map((lease) => lease.acquire(name, 30)));
        assert.equal(won.filter(Boolean).length, 1, `round ${round}: ${JSON.stringify(won)}`);
        const holders = await cluster.query<{ holder: string }[]>(3, `SELECT holder FROM \`${database}\`.scheduler_leases WHERE name = ?`, [name]);
        assert.equal(holders.length, 1);
        assert.equal(holders[0].holder, leases[won.indexOf(true)].holder);
      }
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });
});
