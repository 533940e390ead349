// npm run bench — reads and lists on SQLite and MariaDB against the equal-work baseline
// (bench/reads.ts), then start, memory, bulk usage and creates on MariaDB. Prints figures and the
// targets next to them; asserts nothing. HW_BENCH_ONLY=reads, =usage or =operations runs only that part (support.ts benchPart);
// HW_BENCH_DATABASES=sqlite (or mariadb) only that database's reads. About six minutes on 2 cores.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { benchLicense, startScriptEnv } from './bench-panel';
import { Figure, readsAndLists, stats } from './reads';
import { benchPart, cpuMs, freePort, load, Load, rssMb, Server, settledRss, sleep, startServer } from './support';

const ROOT = resolve(__dirname, '../..');
const SERVER_URL = process.env.HW_BENCH_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306';
const DATABASE = process.env.HW_BENCH_DATABASE ?? 'hw_bench';
const DURATION = Number(process.env.HW_BENCH_SECONDS ?? 5);
/** usage without operations: only the bulk usage figures (seeds 1,000 then 10,000 accounts). */
const ONLY_USAGE = benchPart('usage') && !benchPart('operations');
const ENGINES = (process.env.HW_BENCH_DATABASES ?? 'sqlite,mariadb').split(',').filter((e): e is 'sqlite' | 'mariadb' => e === 'sqlite' || e === 'mariadb');

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
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1) || undefined,
    multipleStatements: false,
  });
}

/** Adds accounts with plain multi-row INSERTs until the table holds `total`; returns the highest id. */
async function seedAccounts(total: number): Promise<number> {
  const conn = await admin();
  await conn.query(`USE \`${DATABASE}\``);
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
  for (let done = Number(n); done < total;) {
    const batch = Math.min(5000, total - done);
    const values = Array.from({ length: batch }, (_, i) => {
      const k = `s${String(done + i).padStart(7, '0')}`;
      return [randomUUID(), k, `${k}.bench.test`, `test.bench.${k}.`, `${k}@bench.test`, 'x', 1, 'active', '8.2', now, now];
    });
    await conn.query(
      'INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES ?',
      [values],
    );
    done += batch;
  }
  const [[{ maxId }]] = (await conn.query('SELECT MAX(id) AS maxId FROM accounts')) as unknown as [[{ maxId: number }]];
  await conn.end();
  return Number(maxId);
}

/** Creates by one client (a create's own latency), then by two at once (both through the passwd writer, which batches what arrives while it writes). */
async function creates(panel: Server, headers: Record<string, string>, rootDir: string): Promise<void> {
  let n = 0;
  const run = `${process.pid % 1000}${Date.now() % 100000}`;
  const body = () => {
    const u = `c${run}${n++}`.slice(0, 32);
    return JSON.stringify({ username: u, domain: `${u}.bench.test`, email: `${u}@bench.test`, password: 'bench-password-1', package_id: 1 });
  };
  const request = { method: 'POST' as const, headers: { ...headers, 'content-type': 'application/json' }, setupRequest: (req: object) => ({ ...req, body: body() }) };
  const url = `${panel.url}/api/v1/accounts`;
  await load({ url, connections: 1, duration: 1, requests: [request] }); // warm-up
  for (const clients of [1, 2]) {
    const before = cpuMs(panel.child.pid!);
    const result = await load({ url, connections: clients, duration: DURATION, requests: [request] });
    const after = cpuMs(panel.child.pid!);
    const made = result.total;
    const cpu = `CPU per create ${f((after.machine - before.machine) / made)} ms (panel ${f((after.process - before.process) / made)} ms)`;
    row(clients === 1 ? 'POST /api/v1/accounts' : '', `${clients} client${clients > 1 ? 's' : ''}`, ...loadCells(result), cpu, clients === 1 ? 'target p50 ≤ 50 ms' : '');
  }
  const steps = await stepMillis(panel, headers);
  row(
    '',
    'per create',
    Object.entries(steps)
      .map(([step, ms]) => `${step} ${f(ms)} ms`)
      .join(', '),
  );
  const homes = existsSync(join(rootDir, 'home')) ? readdirSync(join(rootDir, 'home')).length : 0;
  row('', 'files written', `${homes} home dirs under the temp rootDir`);
}

async function metricsText(panel: Server, headers: Record<string, string>): Promise<string> {
  return (await fetch(`${panel.url}/metrics`, { headers })).text();
}

/** Mean milliseconds per successful run of each provisioning step, read off the panel's /metrics. */
async function stepMillis(panel: Server, headers: Record<string, string>): Promise<Record<string, number>> {
  const text = await metricsText(panel, headers);
  const series = (kind: 'sum' | 'count') =>
    new Map(
      [...text.matchAll(new RegExp(`^hostwright_provisioning_step_duration_seconds_${kind}\\{step="(\\w+)",result="ok"\\} (\\S+)$`, 'gm'))].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
  const sums = series('sum');
  const counts = series('count');
  return Object.fromEntries([...sums].map(([step, sum]) => [step, (sum * 1000) / (counts.get(step) || 1)]));
}

/** V8's heap against the rest of the process (malloc arenas, code, buffers), from the panel's /metrics. */
async function memorySplit(panel: Server, headers: Record<string, string>): Promise<string> {
  const text = await metricsText(panel, headers);
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1048576;
  const rss = value('process_resident_memory_bytes');
  const heap = value('nodejs_heap_size_total_bytes');
  return `V8 heap ${f(heap)} MB (used ${f(value('nodejs_heap_size_used_bytes'))}), outside it ${f(rss - heap)} MB`;
}

/** Usage figures for every account, inserted directly (as the usage jobs would have stored them): disk, a log cursor, this month's bytes. */
async function seedUsage(): Promise<void> {
  const conn = await admin();
  await conn.query(`USE \`${DATABASE}\``);
  await conn.query('INSERT IGNORE INTO usage_disk SELECT id, 734003200, 52428800, 4194304, 1, UTC_TIMESTAMP() FROM accounts');
  await conn.query("INSERT IGNORE INTO usage_log_cursors SELECT id, domain, '1234567', 81920, UTC_TIMESTAMP() FROM accounts");
  await conn.query("INSERT IGNORE INTO usage_traffic SELECT id, DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m'), 3470786560, UTC_TIMESTAMP() FROM accounts");
  await conn.end();
}

/** The cost of one bulk usage call (WHMCS UsageUpdate reads it once per server): sequential calls, min/median/max. */
async function bulkUsage(panel: Server, headers: Record<string, string>, count: number): Promise<void> {
  await seedUsage();
  const rounds = count >= 10_000 ? 5 : 9;
  const times: number[] = [];
  let bytes = 0;
  let accounts = 0;
  for (let i = 0; i < rounds + 1; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(`${panel.url}/api/v1/usage`, { headers });
    const text = await response.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.status !== 200) throw new Error(`GET /api/v1/usage answered ${response.status}`);
    if (i === 0) {
      bytes = text.length;
      accounts = (JSON.parse(text) as { data: { accounts: unknown[] } }).data.accounts.length;
      continue; // the first call warms the code paths
    }
    times.push(ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  row(
    count === 1000 ? 'GET /api/v1/usage' : '',
    `${accounts} accounts`,
    `min ${f(sorted[0])} ms`,
    `median ${f(sorted[Math.floor(sorted.length / 2)])} ms`,
    `max ${f(sorted[sorted.length - 1])} ms`,
    `${f(bytes / 1024 / 1024, 1)} MB body, ${rounds} rounds`,
  );
}

/** Start, restart, memory, bulk usage and creates, on MariaDB (database DATABASE, made afresh). */
async function operations(): Promise<void> {
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
    ...benchLicense(dataDir),
    // What `npm start` sets (MALLOC_MMAP_THRESHOLD_), so the RSS figures are the shipped process's.
    ...startScriptEnv(),
  };
  const main = join(ROOT, 'dist/hostwright.js');
  process.stdout.write(`\nStart, memory, usage, creates: MariaDB ${new URL(SERVER_URL).host}/${DATABASE}, ${DURATION} s per run, log level ${env.HW_LOG_LEVEL}\n`);

  const cold = await startServer(main, env, port);
  const token = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(cold.output())?.[1];
  if (!token) throw new Error(`no admin token printed:\n${cold.output()}`);
  await cold.stop();
  const restarts: number[] = [];
  for (let i = 0; i < 2; i++) {
    const restarted = await startServer(main, env, port);
    restarts.push(restarted.readyMs);
    await restarted.stop();
  }
  const panel = await startServer(main, env, port);
  restarts.push(panel.readyMs);
  await sleep(1000);
  const readyMedian = [...restarts].sort((a, b) => a - b)[1];
  row('start → ready', 'first start (migrations)', `${f(cold.readyMs, 0)} ms`);
  row('', 'restart (median of 3)', `${f(readyMedian, 0)} ms`, `runs ${restarts.map((ms) => f(ms, 0)).join(', ')}`, 'target ≤ 2000 ms');
  row('idle RSS', 'after start', `${f(rssMb(panel.child.pid!))} MB`, 'target ≤ 150 MB');
  const headers = { authorization: `Bearer ${token}` };
  try {
    await seedAccounts(1000);
    await bulkUsage(panel, headers, 1000);
    await seedAccounts(10_000);
    await bulkUsage(panel, headers, 10_000);
    if (!ONLY_USAGE) await creates(panel, headers, env.HW_ROOT_DIR);
    row('RSS', 'after the load, settled', `${f(await settledRss(panel.child.pid!))} MB`, '(no target: the 150 MB one is idle after start)');
    row('', 'where', await memorySplit(panel, headers));
  } finally {
    row('SIGTERM', 'panel exit code', String(await panel.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each read and list figure beside its target: min / median / max of the per-round values; "meets" judges the median. */
function summary(figures: Figure[]): void {
  process.stdout.write('\nReads and lists: per-round figures, min / median / max, beside the target\n');
  for (const fig of figures) {
    const { min, median, max } = stats(fig.values);
    const digits = fig.unit === 'µs' ? 0 : 2;
    const verdict = fig.target === '—' ? '' : fig.met(median) ? 'meets it' : 'MISSES it';
    row(
      fig.engine.padEnd(7),
      fig.name.padEnd(40),
      `${f(min, digits)} / ${f(median, digits)} / ${f(max, digits)} ${fig.unit}`.padEnd(24),
      `target ${fig.target}`.padEnd(22),
      verdict,
    );
  }
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  if (benchPart('reads')) {
    process.stdout.write(
      `Reads and lists: the panel against the equal-work baseline (bench/baseline-server.ts), log level ${process.env.HW_LOG_LEVEL ?? 'info'} on both;\n` +
        'CPU per request of each server process (/proc schedstat), alternating rounds after a warm-up\n',
    );
    for (const engine of ENGINES) figures.push(...(await readsAndLists(engine, SERVER_URL, `${DATABASE}_reads`, row)));
  }
  if (benchPart('operations') || benchPart('usage')) await operations();
  if (figures.length) summary(figures);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
