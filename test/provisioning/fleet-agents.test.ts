import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AgentDaemonModule } from '../../src/agent/agent-daemon.module';
import { AgentServer } from '../../src/agent/agent-server';
import { loadConfig } from '../../src/platform/config/app-config';
import { ServerDirectory } from '../../src/servers/server-directory';
import { agentGrantStatements } from '../../src/agent/system/panel-grants';
import { DatabaseConfig } from '../../src/platform/config/app-config';
import { agent as plesk, packet, text } from '../support/plesk-xml';
import { ServerHealthProbe } from '../../src/servers/server-health.probe';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { version } from '../../package.json';
import { signatureHeaders } from '../../src/agent-protocol/hmac';
import { accountBody } from '../support/accounts';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';
import { readRoot } from './support';

const SECRET = 'fleet-daemon-secret-'.padEnd(48, 'k');
/** The fleet helper's ports: one agent daemon per server beyond the panel's own. */
const PORTS = [19300, 19301];

/** An agent daemon as `npm run agent` runs it on another server: its own root and data dir, the panel's database (DNS rows). */
class Daemon {
  context: INestApplicationContext | null = null;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'hw-fleet-agent-'));
  readonly root = join(this.dataDir, 'root');

  constructor(
    private readonly t: TestApp,
    readonly port: number,
    /** Its own database user (MariaDB: the README's least-privilege grants); else the panel's. */
    private readonly database?: DatabaseConfig,
  ) {}

  async start(): Promise<void> {
    const config = loadConfig({
      HW_DATA_DIR: this.dataDir,
      HW_ROOT_DIR: this.root,
      HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
      HW_LOG_LEVEL: 'silent',
      HW_AGENT_SECRET: SECRET,
      HW_AGENT_PORT: String(this.port),
      // The agent's own fallback: the plan's host (the servers row) must win over it.
      HW_SERVER_IP: '192.0.2.250',
    });
    config.database = this.database ?? this.t.config.database;
    this.context = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot(config), { logger: false });
    await this.context.get(AgentServer).listen();
  }

  async stop(): Promise<void> {
    await this.context?.close();
    this.context = null;
  }
}

describe('a fleet: the panel (server 1, in-process) and two agent daemons with their own roots', () => {
  let t: TestApp;
  let ds: DataSource;
  let daemons: Daemon[];
  const serverIds: number[] = [1];
  const roots = () => [t.config.provisioning.rootDir, ...daemons.map((d) => d.root)];
  const vhost = (domain: string) => `etc/nginx/sites-available/${domain}.conf`;
  const create = (body: Record<string, unknown> = {}) => t.call('POST', '/api/v1/accounts', { body: accountBody(body) });
  const serverOf = async (id: number) => (await t.call('GET', `/api/v1/accounts/${id}`)).body.data.server_id as number;

  /** MariaDB: the second daemon connects as a user holding only README's agent grants. */
  const restrictedUser = `hwag${process.pid}`;
  const USER_HOSTS = ['localhost', '127.0.0.1', '%'];
  const restricted = async (): Promise<DatabaseConfig | undefined> => {
    const db = t.config.database;
    if (db.type !== 'mariadb') return undefined;
    for (const host of USER_HOSTS) {
      await ds.query(`CREATE USER IF NOT EXISTS '${restrictedUser}'@'${host}' IDENTIFIED BY 'agent-pass'`);
      for (const grant of agentGrantStatements(restrictedUser, host, db.database)) await ds.query(grant);
    }
    return { ...db, username: restrictedUser, password: 'agent-pass' };
  };

  before(async () => {
    t = await startTestApp({ env: { HW_SERVER_IP: '198.51.100.1', HW_SERVER_PROBE_SECONDS: '0', HW_USAGE_DISK_INTERVAL: '0', HW_USAGE_TRAFFIC_INTERVAL: '0' } });
    ds = t.get(DataSource);
    const limited = await restricted();
    daemons = PORTS.map((port, i) => new Daemon(t, port, i === 1 ? limited : undefined));
    for (const d of daemons) await d.start();
    for (const [i, d] of daemons.entries()) {
      const r = await t.call('POST', '/api/v1/servers', {
        body: { name: `web${i + 2}`, agent_url: `http://127.0.0.1:${d.port}`, agent_secret: SECRET, ipv4: `203.0.113.${i + 2}`, ipv6: `2001:db8::${i + 2}` },
      });
      assert.equal(r.status, 201, r.text);
      serverIds.push(r.body.data.id);
    }
  });
  after(async () => {
    for (const d of daemons ?? []) await d.stop();
    if (t.config.database.type === 'mariadb') for (const host of USER_HOSTS) await ds.query(`DROP USER IF EXISTS '${restrictedUser}'@'${host}'`);
    await t.close();
    for (const d of daemons ?? []) rmSync(d.dataDir, { recursive: true, force: true });
  });

  test("creates spread over the servers by the rule, each account's files only in its own server's root, its A/AAAA records its server's", async () => {
    const made: { id: number; domain: string; server: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await create();
      assert.equal(r.status, 201, r.text);
      made.push({ id: r.body.data.id, domain: r.body.data.domain, server: await serverOf(r.body.data.id) });
    }
    // Fewest accounts first, ties to the lowest id: 1, 2, 3, 1, 2, 3.
    assert.deepEqual(
      made.map((m) => m.server),
      [...serverIds, ...serverIds],
    );
    for (const m of made) {
      const index = serverIds.indexOf(m.server);
      roots().forEach((root, i) => assert.equal(readRoot(root, vhost(m.domain)) !== null, i === index, `${m.domain} (server ${m.server}) in root ${i}`));
      const a: { content: string }[] = await ds.query("SELECT content FROM records WHERE name = ? AND type = 'A'", [m.domain]);
      const aaaa: { content: string }[] = await ds.query("SELECT content FROM records WHERE name = ? AND type = 'AAAA'", [m.domain]);
      const expected = index === 0 ? '198.51.100.1' : `203.0.113.${index + 1}`;
      assert.deepEqual(
        a.map((r) => r.content),
        [expected],
      );
      assert.deepEqual(
        aaaa.map((r) => r.content),
        index === 0 ? [] : [`2001:db8::${index + 1}`],
      );
    }
    const list = (await t.call('GET', '/api/v1/servers')).body.data as { id: number; accounts_count: number }[];
    assert.deepEqual(
      list.map((s) => s.accounts_count),
      [2, 2, 2],
    );
    const one = await t.call('GET', `/api/v1/accounts/${made[1].id}`);
    assert.equal(one.body.data.server_name, 'web2');
    // Plesk XML's address fields are the account's server's.
    const token = t.adminToken;
    const { root } = await plesk(t, token, packet(`<webspace><get><filter><id>${made[2].id}</id></filter><dataset><gen_info/></dataset></get></webspace>`));
    assert.equal(text(root, 'webspace/get/result/data/gen_info/dns_ip_address'), '203.0.113.3');
  });

  test("on MariaDB an agent works under exactly the README's grants, and they hold it to its tables", async (c) => {
    if (t.config.database.type !== 'mariadb') return c.skip('MariaDB only');
    const r = await create({ server_id: serverIds[2] });
    assert.equal(r.status, 201, r.text);
    const dns = await t.call('POST', `/api/v1/accounts/${r.body.data.id}/dns/records`, { body: { type: 'TXT', name: '@', data: { text: 'restricted agent' } } });
    assert.equal(dns.status, 201, dns.text);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${r.body.data.id}`)).status, 204);
    const agentDb = daemons[1].context!.get(DataSource);
    await assert.rejects(agentDb.query('SELECT COUNT(*) FROM accounts'), /denied/i);
    await assert.rejects(agentDb.query('SELECT COUNT(*) FROM api_tokens'), /denied/i);
  });

  test('concurrent creates are placed by the rule: each sees the ones before it (the seat lock), so the counts fill level', async () => {
    const counts = async () => {
      const list = (await t.call('GET', '/api/v1/servers')).body.data as { id: number; accounts_count: number }[];
      return new Map(list.map((s) => [s.id, s.accounts_count]));
    };
    const expected = await counts();
    const burst = 9;
    for (let i = 0; i < burst; i++) {
      // The rule, one create at a time: the fewest accounts, ties to the lowest id.
      const [id] = [...expected.entries()].sort(([a, n], [b, m]) => n - m || a - b)[0];
      expected.set(id, expected.get(id)! + 1);
    }
    const answers = await Promise.all(Array.from({ length: burst }, () => create()));
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(burst).fill(201),
    );
    assert.deepEqual(await counts(), expected);
  });

  test("the agent checks a plan's host like the rest of the plan: a bad address is 400, nothing run", async () => {
    const body = JSON.stringify({
      action: 'create',
      target: { username: 'hosttest', domain: 'hosttest.example.org', email: 'a@example.org', php_version: '8.2' },
      steps: [{ step: 'dns', op: 'apply' }],
      generation: 1,
      expires_at: Math.floor(Date.now() / 1000) + 60,
      host: { ipv4: '203.0.113.999' },
    });
    const r = await fetch(`http://127.0.0.1:${daemons[0].port}/v1/plans`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signatureHeaders(SECRET, 'POST', '/v1/plans', body) },
    });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { field: string }).field, 'host.ipv4');
    assert.equal(Number((await ds.query('SELECT COUNT(*) AS n FROM domains WHERE name = ?', ['hosttest.example.org']))[0].n), 0);
  });

  test("the dry run is answered by the chosen server's agent, with that server's address", async () => {
    const r = await t.call('POST', '/api/v1/accounts?dry_run=true', { body: accountBody({ server_id: serverIds[2] }) });
    assert.equal(r.status, 200, r.text);
    const files: string[] = r.body.data.files;
    assert.ok(
      files.every((f) => f.startsWith(daemons[1].root)),
      files.join(', '),
    );
    assert.ok(r.body.data.records.some((rec: { type: string; content: string }) => rec.type === 'A' && rec.content === '203.0.113.3'));
  });

  test('the probe marks every agent up with its latency and version; a stopped one down, and placement passes it over', async () => {
    assert.equal(await t.get(ServerHealthProbe).probe(), true);
    let list = (await t.call('GET', '/api/v1/servers')).body.data as { id: number; health: Record<string, unknown> }[];
    for (const s of list) {
      assert.equal(s.health.status, 'up', JSON.stringify(s));
      assert.equal(s.health.agent_version, version);
      assert.equal(typeof s.health.latency_ms, 'number');
      assert.match(String(s.health.last_seen_at), /^\d{4}-\d\d-\d\dT/);
      assert.equal(s.health.error, null);
    }
    await daemons[1].stop();
    try {
      await t.get(ServerHealthProbe).probe();
      list = (await t.call('GET', '/api/v1/servers')).body.data;
      const dead = list.find((s) => s.id === serverIds[2])!;
      assert.equal(dead.health.status, 'down');
      assert.match(String(dead.health.error), /ECONNREFUSED|unreachable|connect/i);
      assert.ok(dead.health.last_seen_at, 'last seen stays when it was seen before');
      assert.deepEqual(
        list.filter((s) => s.id !== serverIds[2]).map((s) => s.health.status),
        ['up', 'up'],
      );
      // Server 3 is among the least loaded, but down: the next creates go to the others.
      for (let i = 0; i < 2; i++) {
        const r = await create();
        assert.equal(r.status, 201, r.text);
        assert.notEqual(await serverOf(r.body.data.id), serverIds[2]);
      }
    } finally {
      await daemons[1].start();
    }
    await t.get(ServerHealthProbe).probe();
    t.get(ServerDirectory).forget();
    const back = (await t.call('GET', `/api/v1/servers/${serverIds[2]}`)).body.data;
    assert.equal(back.health.status, 'up');
  });

  test("a stopped agent: 503 for its accounts only; the other servers' accounts are served", async () => {
    const onServer = async (server: number) => {
      const r = await create({ server_id: server });
      assert.equal(r.status, 201, r.text);
      return r.body.data as { id: number; domain: string };
    };
    const onTwo = await onServer(serverIds[1]);
    const onThree = await onServer(serverIds[2]);
    const onOne = await onServer(1);
    await daemons[0].stop();
    try {
      const refused = await t.call('POST', `/api/v1/accounts/${onTwo.id}/suspend`, { body: {} });
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error, 'agent_unreachable');
      assert.equal((await t.call('GET', `/api/v1/accounts/${onTwo.id}`)).body.data.status, 'active', 'nothing changed');
      const dns = await t.call('GET', `/api/v1/accounts/${onTwo.id}/dns/records`);
      assert.equal(dns.status, 503);
      const explicit = await create({ server_id: serverIds[1] });
      assert.equal(explicit.status, 503);
      for (const other of [onThree, onOne]) {
        const r = await t.call('POST', `/api/v1/accounts/${other.id}/suspend`, { body: {} });
        assert.equal(r.status, 200, r.text);
        assert.equal((await t.call('GET', `/api/v1/accounts/${other.id}/dns/records`)).status, 200);
      }
      const elsewhere = await create({ server_id: serverIds[2] });
      assert.equal(elsewhere.status, 201);
      // The usage pass skips the server whose agent is down and measures the others.
      await t.get(UsageJobs).measureDisk();
      const measuredAt = async (id: number) => (await t.call('GET', `/api/v1/accounts/${id}/usage`)).body.data.disk_measured_at as string | null;
      assert.equal(await measuredAt(onTwo.id), null);
      assert.equal(typeof (await measuredAt(onThree.id)), 'string');
      assert.equal(typeof (await measuredAt(onOne.id)), 'string');
    } finally {
      await daemons[0].start();
    }
    const again = await t.call('POST', `/api/v1/accounts/${onTwo.id}/suspend`, { body: {} });
    assert.equal(again.status, 200, again.text);
    assert.match(readRoot(daemons[0].root, vhost(onTwo.domain))!, /return 503/);
  });

  test("a delete goes to the account's own agent and leaves the other roots alone; a server with accounts is 409", async () => {
    const r = await create({ server_id: serverIds[2] });
    assert.equal(r.status, 201);
    const { id, domain } = r.body.data;
    assert.ok(readRoot(daemons[1].root, vhost(domain)));
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${id}`)).status, 204);
    assert.equal(readRoot(daemons[1].root, vhost(domain)), null);
    const busy = await t.call('DELETE', `/api/v1/servers/${serverIds[2]}`);
    assert.equal(busy.status, 409);
    assert.equal((await t.call('GET', `/api/v1/servers/${serverIds[2]}`)).status, 200);
  });
});
