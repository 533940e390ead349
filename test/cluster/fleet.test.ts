import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { accountBody } from '../support/accounts';
import { FleetAgent, FleetPanel, HttpAnswer } from '../support/fleet-processes';
import { GaleraCluster, GaleraNode } from '../support/galera';
import { TestLicenseVendor } from '../support/licenses';
import { waitFor } from '../support/wait-for';

/*
 * Issue #21's fleet, all real processes: a three-node Galera cluster, two panels (each on its own
 * node) and three agent daemons with separate roots (server 1 = the panels' HW_AGENT_URL, servers
 * 2 and 3 registered through the servers API).
 */
const GALERA_BASE = 19400;
const PANEL_PORTS = [19440, 19441];
const AGENT_PORTS = [19450, 19451, 19452];
const SECRET = randomBytes(24).toString('hex');
const vendor = new TestLicenseVendor();
const vhost = (domain: string) => `etc/nginx/sites-available/${domain}.conf`;

describe('a fleet on a Galera cluster: two panels, three agents', () => {
  let cluster: GaleraCluster;
  let dir: string;
  let database: string;
  let panels: FleetPanel[];
  let agents: FleetAgent[];
  let token: string;
  const serverIds: number[] = [1];

  before(async () => {
    cluster = await GaleraCluster.start(GALERA_BASE);
    dir = mkdtempSync(join(tmpdir(), 'hw-cluster-fleet-'));
    chmodSync(dir, 0o755);
    database = await cluster.createDatabase();
    const licenseFile = join(dir, 'license.json');
    writeFileSync(licenseFile, vendor.issue({ max_accounts: 50 }));
    agents = [];
    for (const [i, port] of AGENT_PORTS.entries()) {
      agents.push(await FleetAgent.start(`agent${i + 1}`, dir, port, SECRET, { DATABASE_URL: cluster.url((i + 1) as GaleraNode, database) }));
    }
    const common = {
      ...vendor.env,
      HW_LICENSE_FILE: licenseFile,
      HW_SECRET_KEY_FILE: join(dir, 'secret.key'),
      HW_AGENT_URL: agents[0].url,
      HW_AGENT_SECRET: SECRET,
      HW_RATE_LIMIT: '100000',
      HW_SERVER_PROBE_SECONDS: '0',
      HW_RECONCILE_INTERVAL: '15',
    };
    panels = [];
    // The first panel migrates the empty database and prints the admin token; the second finds both made.
    for (const [i, port] of PANEL_PORTS.entries()) {
      panels.push(await FleetPanel.start(`panel-${i + 1}`, dir, port, { ...common, DATABASE_URL: cluster.url((i + 1) as GaleraNode, database) }));
    }
    token = panels[0].firstToken;
    for (const [i, agent] of agents.slice(1).entries()) {
      const r = await panels[0].call('POST', '/api/v1/servers', token, { name: `web${i + 2}`, agent_url: agent.url, agent_secret: SECRET, ipv4: `203.0.113.${i + 2}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      serverIds.push(r.body.data.id);
    }
  });

  after(async () => {
    for (const panel of panels ?? []) await panel.stop();
    for (const agent of agents ?? []) await agent.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const create = (panel: FleetPanel, body = accountBody(), headers: Record<string, string> = {}) => panel.call('POST', '/api/v1/accounts', token, body, headers);

  async function accountRows(): Promise<{ id: number; username: string; domain: string; status: string; server_id: number }[]> {
    return cluster.query(3, `SELECT id, username, domain, status, server_id FROM \`${database}\`.accounts ORDER BY id`);
  }

  /** The burst's vhost files on each agent's root (domains under example.net). */
  function vhostsPerRoot(): string[][] {
    return agents.map((agent) => {
      const sites = join(agent.rootDir, 'etc/nginx/sites-available');
      return existsSync(sites) ? readdirSync(sites).filter((f) => f.endsWith('.example.net.conf')) : [];
    });
  }

  /** Every row active, its files on its own server's root and nowhere else; no file without a row. */
  async function assertRowsMatchFiles(): Promise<void> {
    const rows = await accountRows();
    for (const row of rows) {
      assert.equal(row.status, 'active', `${row.username}`);
      agents.forEach((agent, i) =>
        assert.equal(
          existsSync(join(agent.rootDir, vhost(row.domain))),
          serverIds[i] === Number(row.server_id),
          `${row.domain} (server ${row.server_id}) on agent ${i + 1}`,
        ),
      );
    }
    assert.equal(vhostsPerRoot().flat().length, rows.length, 'no vhost without its account');
    const seats = (await panels[1].call('GET', '/api/v1/license', token)).body.data.accounts_used;
    assert.equal(seats, rows.length, 'seats = rows');
  }

  /** Nothing left half-made: the reconcilers rolled back what a dead node interrupted. */
  async function settled(): Promise<void> {
    await waitFor(
      async () => {
        const open = await cluster.query<{ n: number }[]>(3, `SELECT COUNT(*) AS n FROM \`${database}\`.accounts WHERE status <> 'active'`);
        const cleanups = await cluster.query<{ n: number }[]>(3, `SELECT COUNT(*) AS n FROM \`${database}\`.provisioning_cleanups`);
        return Number(open[0].n) === 0 && Number(cleanups[0].n) === 0;
      },
      'every account to be settled',
      90_000,
    );
  }

  test('100 creates over both panels with a 50-seat licence: exactly 50 accounts, placed by the rule, files on their servers', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => create(panels[i % 2])));
    const created = answers.filter((r) => r.status === 201);
    assert.equal(created.length, 50, JSON.stringify(answers.filter((r) => r.status !== 201 && r.body?.error !== 'account_limit_reached').slice(0, 3)));
    for (const r of answers) if (r.status !== 201) assert.deepEqual([r.status, r.body.error], [403, 'account_limit_reached']);
    const rows = await accountRows();
    assert.equal(rows.length, 50);
    // Fewest accounts first, ties to the lowest id, decided one create at a time: 17, 17, 16.
    assert.deepEqual(
      serverIds.map((id) => rows.filter((row) => Number(row.server_id) === id).length),
      [17, 17, 16],
    );
    await assertRowsMatchFiles();
  });

  test('a Galera node killed in the middle of a burst: no account lost or doubled, every row has its files on its server', async (t) => {
    const text = vendor.issue({ max_accounts: 1000 });
    for (const panel of panels) assert.equal((await panel.call('PUT', '/api/v1/license', token, { license: text })).status, 200);
    const requests = Array.from({ length: 60 }, (_, i) => ({ panel: panels[i % 2], body: accountBody(), key: `burst-${i}-${randomBytes(4).toString('hex')}` }));
    let answered = 0;
    let killed: Promise<void> | undefined;
    const first = await Promise.all(
      requests.map(async ({ panel, body, key }) => {
        const r = await create(panel, body, { 'idempotency-key': key }).catch((error: Error): HttpAnswer => ({ status: 0, body: String(error), headers: new Headers() }));
        // Node 2 (panel 2's database) dies once a sixth of the burst is answered.
        if (++answered === 10) killed = cluster.kill(2);
        return r;
      }),
    );
    await killed;
    assert.ok(answered === requests.length);
    await cluster.restart(2);
    await waitFor(
      async () => (await panels[1].call('GET', '/api/v1/license', token).catch(() => ({ status: 0 }))).status === 200,
      'panel 2 to reach its node again',
      60_000,
    );
    // Panel 2 records the outcomes it could not write while its node was down (released or completed keys).
    await waitFor(
      async () => Number((await cluster.query<{ n: number }[]>(3, `SELECT COUNT(*) AS n FROM \`${database}\`.idempotency_keys WHERE state = 'running'`))[0].n) === 0,
      'no Idempotency-Key left running',
      60_000,
    );
    // The reconcilers roll back the creates the dead node left half-made (their rows and pieces).
    await settled();
    // Then every request is retried once with its key, on the panel whose node never died.
    const retried = await Promise.all(requests.map(({ body, key }) => create(panels[0], body, { 'idempotency-key': key })));
    await settled();
    const rows = await accountRows();
    const byUsername = new Map(rows.map((row) => [row.username, row]));
    assert.equal(byUsername.size, rows.length, 'no username twice');
    requests.forEach(({ body }, i) => {
      const row = byUsername.get(body.username as string);
      for (const r of [first[i], retried[i]]) {
        if (r.status !== 201) continue;
        assert.ok(row, `${body.username as string}: answered 201, no row`);
        assert.equal(r.body.data.id, row.id, `${body.username as string}: the answer names its row`);
      }
      if (first[i].status === 201) assert.equal(retried[i].status, 201, `${body.username as string}: the retry replays the answer`);
      // A row nobody was told about is one whose request is still "in progress" for its key.
      if (row && first[i].status !== 201 && retried[i].status !== 201) assert.equal(retried[i].body.error, 'idempotency_in_progress', JSON.stringify(retried[i].body));
      // Every request ends with its account, unless its key is still held by a claim whose answer never came.
      if (retried[i].status !== 201) assert.equal(retried[i].body.error, 'idempotency_in_progress', `${body.username as string}: ${JSON.stringify(retried[i].body)}`);
    });
    assert.ok(
      first.some((r) => r.status !== 201),
      'the kill interrupted some requests',
    );
    // A lost database is a 503 to retry, not an internal error.
    for (const r of first) assert.notEqual(r.body?.error, 'internal_error', JSON.stringify(r.body));
    const tally = (answers: HttpAnswer[]) =>
      JSON.stringify(
        Object.fromEntries(
          [...new Set(answers.map((r) => `${r.status} ${r.body?.error ?? ''}`.trim()))].map((s) => [
            s,
            answers.filter((r) => `${r.status} ${r.body?.error ?? ''}`.trim() === s).length,
          ]),
        ),
      );
    t.diagnostic(`first answers ${tally(first)}, retries ${tally(retried)}, accounts ${rows.length}`);
    await assertRowsMatchFiles();
  });

  test("one agent stopped: 503 agent_unreachable for its accounts only, the other servers' accounts served", async () => {
    const rows = await accountRows();
    const onServer = (id: number) => rows.find((row) => Number(row.server_id) === id)!;
    await agents[2].stop();
    try {
      for (const panel of panels) {
        const refused = await panel.call('POST', `/api/v1/accounts/${onServer(serverIds[2]).id}/suspend`, token, {});
        assert.deepEqual([refused.status, refused.body.error], [503, 'agent_unreachable']);
        for (const id of serverIds.slice(0, 2)) {
          const account = onServer(id);
          assert.equal((await panel.call('POST', `/api/v1/accounts/${account.id}/suspend`, token, {})).status, 200);
          assert.equal((await panel.call('POST', `/api/v1/accounts/${account.id}/unsuspend`, token, {})).status, 200);
        }
      }
      assert.equal((await panels[0].call('GET', `/api/v1/accounts/${onServer(serverIds[2]).id}`, token)).body.data.status, 'active', 'nothing changed');
    } finally {
      await agents[2].restart();
    }
    assert.equal((await panels[1].call('POST', `/api/v1/accounts/${onServer(serverIds[2]).id}/suspend`, token, {})).status, 200);
    assert.equal((await panels[0].call('POST', `/api/v1/accounts/${onServer(serverIds[2]).id}/unsuspend`, token, {})).status, 200);
  });

  test('a draining server gets nothing new, from either panel', async () => {
    const drained = serverIds[1];
    const r = await panels[0].call('PATCH', `/api/v1/servers/${drained}`, token, { state: 'draining' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const before = (await accountRows()).map((row) => row.id);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create(panels[i % 2])));
    for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const fresh = (await accountRows()).filter((row) => !before.includes(row.id));
    assert.equal(fresh.length, 20);
    assert.deepEqual(
      fresh.filter((row) => Number(row.server_id) === drained),
      [],
    );
    const explicit = await create(panels[1], accountBody({ server_id: drained }));
    assert.equal(explicit.status, 409);
    await assertRowsMatchFiles();
  });
});
