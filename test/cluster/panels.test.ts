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
import { waitFor } from '../support/wait-for';

/*
 * Two panel processes on two nodes of a real three-node Galera cluster (scripts/galera-cluster.sh),
 * one database: the decisions that one MariaDB server makes with a row lock or a unique index must
 * hold when the racing writes land on different nodes and Galera decides at commit.
 */
const GALERA_BASE = 19400;
const PANEL_PORTS = [19440, 19441];
const vendor = new TestLicenseVendor();
/** Per token per minute; the admin token's other tests here stay well under it. */
const RATE_LIMIT = 400;
const AUTH_FAILURE_LIMIT = 30;

describe('two panels on a Galera cluster', () => {
  let cluster: GaleraCluster;
  let dir: string;
  let database: string;
  let a: FleetPanel;
  let b: FleetPanel;
  let token: string;
  /** 401s answered so far: the auth-failure budget counted them. */
  let failedAuthentications = 0;

  before(async () => {
    cluster = await GaleraCluster.start(GALERA_BASE);
    dir = mkdtempSync(join(tmpdir(), 'hw-cluster-panels-'));
    chmodSync(dir, 0o755);
    database = await cluster.createDatabase();
    const licenseFile = join(dir, 'license.json');
    writeFileSync(licenseFile, vendor.issue({ max_accounts: 50 }));
    const common = {
      ...vendor.env,
      HW_LICENSE_FILE: licenseFile,
      HW_SECRET_KEY_FILE: join(dir, 'secret.key'),
      HW_RATE_LIMIT: String(RATE_LIMIT),
      HW_RATE_LIMIT_SYNC_MS: '50',
      HW_AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT),
    };
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
  test('one signed request (one nonce) sent to both panels at once: exactly one is accepted', async () => {
    const signer = (await a.call('POST', '/api/v1/tokens', token, { name: 'signer', scopes: ['*'], can_sign: true })).body.data.token as string;
    for (let round = 0; round < 10; round++) {
      const headers = signedHeadersV2(signer, 'GET', '/api/ping');
      const answers = await Promise.all([a, b].map((panel) => fetch(`${panel.url}/api/ping`, { headers })));
      assert.deepEqual(answers.map((r) => r.status).sort(), [200, 401], `round ${round}`);
      failedAuthentications += 1;
    }
  });

  /** Waits until each panel has written at least `counts[panel]` hits of `bucket` (its sync ran), so the next batch meets shared counts at most one sync old. */
  async function shared(bucket: string, counts: Record<string, number>): Promise<void> {
    await waitFor(async () => {
      const written = await cluster.query<{ instance_id: string; hits: number }[]>(
        3,
        `SELECT instance_id, SUM(hits) AS hits FROM \`${database}\`.rate_limit_counts WHERE bucket LIKE ? GROUP BY instance_id`,
        [bucket],
      );
      return Object.entries(counts).every(([panel, n]) => n === 0 || Number(written.find((row) => row.instance_id === panel)?.hits ?? 0) >= n);
    }, `both panels to share ${bucket}`);
  }

  /** Sends batches (half to each panel) until both refuse with 429; returns how many got `okStatus`. */
  async function untilBothRefuse(
    batchSize: number,
    maxBatches: number,
    bucket: string,
    send: (panel: FleetPanel, i: number) => Promise<{ status: number; body: any }>,
    okStatus: number,
  ) {
    const passed: Record<string, number> = { [a.name]: 0, [b.name]: 0 };
    const refusedBy = new Set<string>();
    for (let batch = 0; batch < maxBatches && refusedBy.size < 2; batch++) {
      const answers = await Promise.all(
        Array.from({ length: batchSize }, (_, i) => (i % 2 ? b : a)).map((panel, i) => send(panel, batch * batchSize + i).then((r) => ({ r, panel }))),
      );
      for (const { r, panel } of answers) {
        if (r.status === okStatus) passed[panel.name] += 1;
        else {
          assert.deepEqual([r.status, r.body.error], [429, 'rate_limited']);
          refusedBy.add(panel.name);
        }
      }
      await shared(bucket, passed);
    }
    assert.equal(refusedBy.size, 2, 'both panels refuse');
    return passed[a.name] + passed[b.name];
  }

  test("one token's request budget is one budget across both panels, not one per panel", async () => {
    const created = (await a.call('POST', '/api/v1/tokens', token, { name: 'budget', scopes: ['*'] })).body.data;
    const accepted = await untilBothRefuse(
      20,
      (2 * RATE_LIMIT) / 20,
      `default:token:${created.id}`,
      (panel) => panel.call('GET', '/api/v1/packages', created.token),
      200,
    );
    // README's bound: the limit, plus what the other panel accepted within one sync interval (here at most two batches).
    assert.ok(accepted >= RATE_LIMIT && accepted <= RATE_LIMIT + 2 * 20, `accepted ${accepted} of a budget of ${RATE_LIMIT}`);
  });

  test("an address's failed authentications are one budget across both panels", async () => {
    const failures =
      failedAuthentications + (await untilBothRefuse(4, AUTH_FAILURE_LIMIT, 'auth:%', (panel, i) => panel.call('GET', '/api/v1/packages', `hw_wrong${i}`), 401));
    assert.ok(failures >= AUTH_FAILURE_LIMIT && failures <= AUTH_FAILURE_LIMIT + 2 * 4, `${failures} failures let through, limit ${AUTH_FAILURE_LIMIT}`);
  });
});
