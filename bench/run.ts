// npm run bench — the panel on MariaDB against a raw Fastify + mysql2 server doing the same SQL.
// Prints figures and the targets next to them; asserts nothing. About two minutes on 2 cores.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort, load, Load, rssMb, Server, sleep, startServer } from './support';

const ROOT = resolve(__dirname, '../..');
const SERVER_URL = process.env.HW_BENCH_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306';
const DATABASE = 'hw_bench';
const DURATION = Number(process.env.HW_BENCH_SECONDS ?? 5);

const rows: string[][] = [];
function row(...cells: (string | number)[]): void {
  rows.push(cells.map(String));
  process.stdout.write(`  ${cells.join('  ')}\n`);
}
const f = (n: number, digits = 1) => n.toFixed(digits);
const loadCells = (l: Load) => [`${f(l.rps, 0)} req/s`, `p50 ${l.p50} ms`, `p99 ${l.p99} ms`, l.errors || l.non2xx ? `(${l.errors} errors, ${l.non2xx} non-2xx!)` : ''];

function databaseUrl(database?: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = database ? `/${database}` : '/';
  return url.toString();
}

async function admin() {
  const url = new URL(SERVER_URL);
  return createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: url.pathname.slice(1) || undefined, multipleStatements: false });
}

/** Adds accounts with plain multi-row INSERTs until the table holds `total`; returns the highest id. */
async function seedAccounts(total: number): Promise<number> {
  const conn = await admin();
  await conn.query(`USE \`${DATABASE}\``);
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
  for (let done = Number(n); done < total; ) {
    const batch = Math.min(5000, total - done);
    const values = Array.from({ length: batch }, (_, i) => {
      const k = `s${String(done + i).padStart(7, '0')}`;
      return [randomUUID(), k, `${k}.bench.test`, `${k}@bench.test`, 'x', 1, 'active', '8.2', now, now];
    });
    await conn.query('INSERT INTO accounts (guid, username, domain, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES ?', [values]);
    done += batch;
  }
  const [[{ maxId }]] = (await conn.query('SELECT MAX(id) AS maxId FROM accounts')) as unknown as [[{ maxId: number }]];
  await conn.end();
  return Number(maxId);
}

const cursorAfter = (id: number) => Buffer.from(String(id)).toString('base64url');

async function compareRead(panel: Server, baseline: Server, path: string, headers: Record<string, string>): Promise<void> {
  for (const server of [panel, baseline]) await load({ url: `${server.url}${path}`, headers, duration: 1 }); // warm-up
  const p = await load({ url: `${panel.url}${path}`, headers, duration: DURATION });
  const b = await load({ url: `${baseline.url}${path}`, headers, duration: DURATION });
  row(`GET ${path.replace(/\d+$/, '{id}')}`, 'panel', ...loadCells(p));
  row('', 'baseline', ...loadCells(b));
  row('', 'ratio', `${f(p.rps / b.rps, 2)}x baseline`, 'target ≥ 0.8x');
}

async function listPages(panel: Server, headers: Record<string, string>, count: number, maxId: number): Promise<void> {
  await load({ url: `${panel.url}/api/v1/accounts?limit=25`, headers, duration: 1 });
  const first = await load({ url: `${panel.url}/api/v1/accounts?limit=25`, headers, duration: DURATION });
  const late = await load({ url: `${panel.url}/api/v1/accounts?limit=25&cursor=${cursorAfter(maxId - 30)}`, headers, duration: DURATION });
  row(`list @${count}`, 'first page', ...loadCells(first));
  row('', 'late page', ...loadCells(late));
  row('', 'late/first p50', f(late.p50 / Math.max(first.p50, 0.001), 2), count >= 100_000 ? 'target ≤ 1.5' : '');
}

async function creates(panel: Server, headers: Record<string, string>, rootDir: string): Promise<void> {
  let n = 0;
  const run = `${process.pid % 1000}${Date.now() % 100000}`;
  const body = () => {
    const u = `c${run}${n++}`.slice(0, 32);
    return JSON.stringify({ username: u, domain: `${u}.bench.test`, email: `${u}@bench.test`, password: 'bench-password-1', package_id: 1 });
  };
  const result = await load({
    url: `${panel.url}/api/v1/accounts`,
    connections: 2,
    duration: DURATION,
    requests: [{ method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  row('POST /api/v1/accounts', '2 clients', ...loadCells(result), 'target p50 ≤ 50 ms');
  const homes = existsSync(join(rootDir, 'home')) ? readdirSync(join(rootDir, 'home')).length : 0;
  row('', 'files written', `${homes} home dirs under the temp rootDir`);
}

async function main(): Promise<void> {
  const conn = await admin();
  await conn.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await conn.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const dataDir = mkdtempSync(join(tmpdir(), 'hw-bench-'));
  const port = await freePort();
  const env = {
    DATABASE_URL: databaseUrl(DATABASE),
    HW_TLS: 'false',
    HW_HOST: '127.0.0.1',
    HW_PORT: String(port),
    HW_DATA_DIR: dataDir,
    HW_ROOT_DIR: join(dataDir, 'root'),
    HW_TEMPLATES_DIR: join(ROOT, 'templates'),
    HW_LOG_LEVEL: process.env.HW_LOG_LEVEL ?? 'info',
    HW_RATE_LIMIT: '1000000',
  };
  const main = join(ROOT, 'dist/src/main.js');
  process.stdout.write(`Hostwright bench: MariaDB ${new URL(SERVER_URL).host}/${DATABASE}, ${DURATION} s per run, log level ${env.HW_LOG_LEVEL}\n\n`);

  const cold = await startServer(main, env, port);
  const token = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(cold.output())?.[1];
  if (!token) throw new Error(`no admin token printed:\n${cold.output()}`);
  await cold.stop();
  const panel = await startServer(main, env, port);
  await sleep(1000);
  row('start → ready', 'first start (migrations)', `${f(cold.readyMs, 0)} ms`);
  row('', 'restart', `${f(panel.readyMs, 0)} ms`, 'target ≤ 2000 ms');
  row('idle RSS', 'after start', `${f(rssMb(panel.child.pid!))} MB`, 'target ≤ 150 MB');

  const basePort = await freePort();
  const baseline = await startServer(join(ROOT, 'dist/bench/baseline-server.js'), { DATABASE_URL: env.DATABASE_URL, PORT: String(basePort) }, basePort);
  const headers = { authorization: `Bearer ${token}` };
  const paths = Object.keys(((await (await fetch(`${panel.url}/docs/json`)).json()) as { paths: Record<string, unknown> }).paths);
  const hasAccounts = paths.includes('/api/v1/accounts/{id}') && paths.includes('/api/v1/accounts');

  try {
    if (!hasAccounts) {
      process.stdout.write('\n  (no accounts API in this build: reads measured on GET /api/v1/packages/{id}; lists and creates skipped)\n');
      await compareRead(panel, baseline, '/api/v1/packages/1', headers);
    } else {
      let maxId = await seedAccounts(1000);
      await compareRead(panel, baseline, `/api/v1/accounts/${maxId - 500}`, headers);
      await listPages(panel, headers, 1000, maxId);
      const seedStarted = Date.now();
      maxId = await seedAccounts(100_000);
      row('seed', '99k rows', `${f((Date.now() - seedStarted) / 1000)} s`);
      await listPages(panel, headers, 100_000, maxId);
      await creates(panel, headers, env.HW_ROOT_DIR);
    }
    await sleep(2000);
    row('idle RSS', 'after the load', `${f(rssMb(panel.child.pid!))} MB`, 'target ≤ 150 MB');
  } finally {
    const [panelExit] = await Promise.all([panel.stop(), baseline.stop()]);
    row('SIGTERM', 'panel exit code', String(panelExit));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
