// Part of `npm run bench`: account-create throughput of a fleet with 1, 2 and 3 agent daemons — two
// panels on two nodes of a three-node Galera cluster (scripts/galera-cluster.sh), CLIENTS concurrent
// clients spread over both panels, CREATES creates per measurement. Each round measures 1, 2 and 3
// agents (order rotated per round) and prints creates/s and the ratios to 1 agent of the same round,
// min/median/max. Every measurement starts from no accounts (the last one's are deleted, untimed), so
// placement spreads the creates evenly over the agents taking new accounts. Asserts nothing.
// Without galera-4 it says so and uses the system MariaDB (HW_BENCH_DATABASE_URL) for both panels.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { accountBody } from '../test/support/accounts';
import { FleetAgent, FleetPanel } from '../test/support/fleet-processes';
import { GaleraCluster } from '../test/support/galera';
import { benchPart } from './support';
import { TestLicenseVendor } from '../test/support/licenses';

const ROUNDS = Number(process.env.HW_BENCH_FLEET_ROUNDS ?? 3);
const CREATES = Number(process.env.HW_BENCH_FLEET_CREATES ?? 24);
const CLIENTS = Number(process.env.HW_BENCH_FLEET_CLIENTS ?? 6);
const GALERA_BASE = 19500;
const PANEL_PORTS = [19540, 19541];
const AGENT_PORTS = [19550, 19551, 19552];

const stats = (values: number[], digits = 1) => {
  const sorted = [...values].sort((x, y) => x - y);
  return `min ${sorted[0].toFixed(digits)}, median ${sorted[Math.floor(sorted.length / 2)].toFixed(digits)}, max ${sorted[sorted.length - 1].toFixed(digits)}`;
};

/** Two database URLs for the two panels and a SQL runner: the Galera cluster, or the system MariaDB. */
async function databases(): Promise<{ urls: string[]; where: string; stop: () => Promise<void> }> {
  const galera = existsSync('/usr/lib/galera/libgalera_smm.so') && spawnSync('sh', ['-c', 'command -v mariadbd && command -v rsync']).status === 0;
  if (galera) {
    const cluster = await GaleraCluster.start(GALERA_BASE);
    const name = await cluster.createDatabase('hwbench');
    return { urls: [cluster.url(1, name), cluster.url(2, name)], where: 'three-node Galera cluster, panels on nodes 1 and 2', stop: () => cluster.stop() };
  }
  const base = new URL(process.env.HW_BENCH_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306');
  const name = `hwbench_fleet_${randomBytes(3).toString('hex')}`;
  const conn = await createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  });
  await conn.query(`CREATE DATABASE \`${name}\``);
  base.pathname = `/${name}`;
  return {
    urls: [base.toString(), base.toString()],
    where: 'galera-4 not installed: one MariaDB server for both panels',
    stop: async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

async function main(): Promise<void> {
  if (!benchPart('fleet')) return;
  process.stdout.write(`\nFleet creates: throughput with 1, 2 and 3 agents (${CLIENTS} clients over 2 panels, ${CREATES} creates per measurement, ${ROUNDS} rounds)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'hw-bench-fleet-'));
  chmodSync(dir, 0o755);
  const db = await databases();
  const secret = randomBytes(24).toString('hex');
  const vendor = new TestLicenseVendor();
  const panels: FleetPanel[] = [];
  const agents: FleetAgent[] = [];
  try {
    writeFileSync(join(dir, 'license.json'), vendor.issue({ max_accounts: 100_000 }));
    for (const [i, port] of AGENT_PORTS.entries()) {
      agents.push(await FleetAgent.start(`agent${i + 1}`, dir, port, secret, { DATABASE_URL: db.urls[i % 2], HW_LOG_LEVEL: 'warn' }));
    }
    const env = {
      ...vendor.env,
      HW_LICENSE_FILE: join(dir, 'license.json'),
      HW_SECRET_KEY_FILE: join(dir, 'secret.key'),
      HW_AGENT_URL: agents[0].url,
      HW_AGENT_SECRET: secret,
      HW_RATE_LIMIT: '1000000',
      HW_SERVER_PROBE_SECONDS: '0',
    };
    for (const [i, port] of PANEL_PORTS.entries()) panels.push(await FleetPanel.start(`bench-panel-${i + 1}`, dir, port, { ...env, DATABASE_URL: db.urls[i] }));
    const token = panels[0].firstToken;
    const serverIds = [1];
    for (const [i, agent] of agents.slice(1).entries()) {
      const r = await panels[0].call('POST', '/api/v1/servers', token, { name: `bench${i + 2}`, agent_url: agent.url, agent_secret: secret });
      if (r.status !== 201) throw new Error(`server registration failed: ${JSON.stringify(r.body)}`);
      serverIds.push(r.body.data.id);
    }
    process.stdout.write(`  database: ${db.where}\n`);

    /** With `n` agents taking new accounts (the others draining): creates per second. */
    const measure = async (n: number): Promise<number> => {
      for (const [i, id] of serverIds.entries()) {
        const r = await panels[0].call('PATCH', `/api/v1/servers/${id}`, token, { state: i < n ? 'online' : 'draining' });
        if (r.status !== 200) throw new Error(`PATCH server failed: ${JSON.stringify(r.body)}`);
      }
      let next = 0;
      const made: number[] = [];
      const start = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          while (next < CREATES) {
            next += 1;
            const r = await panels[client % 2].call('POST', '/api/v1/accounts', token, accountBody());
            if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
            made.push(r.body.data.id);
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      await Promise.all(made.map((id, i) => panels[i % 2].call('DELETE', `/api/v1/accounts/${id}`, token)));
      return CREATES / seconds;
    };

    await measure(3); // warm-up, not counted
    const perAgents: number[][] = [[], [], []];
    const ratios: number[][] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      const got: number[] = [];
      for (const n of [1, 2, 3].map((_, i) => ((i + round) % 3) + 1)) got[n - 1] = await measure(n);
      got.forEach((rate, i) => perAgents[i].push(rate));
      ratios[0].push(got[1] / got[0]);
      ratios[1].push(got[2] / got[0]);
    }
    for (const [i, rates] of perAgents.entries()) {
      process.stdout.write(`  ${i + 1} agent${i ? 's' : ' '}  creates/s ${stats(rates)}${i ? `   ratio to 1 agent ${stats(ratios[i - 1], 2)}` : ''}\n`);
    }
  } finally {
    for (const panel of panels) await panel.stop();
    for (const agent of agents) await agent.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`fleet-creates bench failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);
