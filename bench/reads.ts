// The read and list figures of `npm run bench`, on one database (SQLite or MariaDB): the panel
// against the equal-work baseline (baseline-server.ts) in alternating paired rounds, CPU per
// request of each server process as the primary figure, requests/s beside it; a 50-row page
// against a single read; a page at 1k accounts against one at 100k. Prints; asserts nothing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startScriptEnv } from './bench-panel';
import { openSqlite } from './sqlite';
import { freePort, load, Load, Server, startServer } from './support';

const ROOT = resolve(__dirname, '../..');
const ROUNDS = Math.max(6, Number(process.env.HW_BENCH_ROUNDS ?? 8));
const READS = Number(process.env.HW_BENCH_READS ?? 10_000);
const PAGES = Number(process.env.HW_BENCH_PAGES ?? 2_000);
const CONNECTIONS = 10;
const PAGE = 50;

export type Engine = 'sqlite' | 'mariadb';

export interface Figure {
  engine: Engine;
  name: string;
  values: number[];
  unit: string;
  target: string;
  met: (median: number) => boolean;
}

/** One server's share of a round: CPU µs per request of the server process, requests/s, mean latency. */
interface Measured {
  cpu: number;
  rps: number;
  mean: number;
  bad: number;
}

async function measured(server: Server, path: string, token: string, amount: number): Promise<Measured> {
  const headers = { authorization: `Bearer ${token}` };
  const result: Load = await load({ url: `${server.url}${path}`, headers, connections: CONNECTIONS, amount }, server.child.pid);
  return { cpu: result.cpuPerRequest, rps: result.rps, mean: result.mean, bad: result.errors + result.non2xx };
}

export const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
};

// ---- the databases -------------------------------------------------------------------------

interface Store {
  /** The env that points a panel (or the baseline) at this store. */
  panelEnv: Record<string, string>;
  baselineEnv: Record<string, string>;
  seed(total: number): Promise<number>;
  drop(): Promise<void>;
}

const account = (k: string) => [randomUUID(), k, `${k}.bench.test`, `test.bench.${k}.`, `${k}@bench.test`, 'x', 1, 'active', '8.2'];
const INSERT_COLUMNS = '(guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, created_at, updated_at)';

function sqliteStore(dir: string, name: string): Store {
  const path = join(dir, `${name}.sqlite`);
  return {
    panelEnv: { HW_SQLITE_PATH: path },
    baselineEnv: { SQLITE_PATH: path },
    async seed(total) {
      const db = openSqlite(path);
      const now = new Date().toISOString().replace('T', ' ').slice(0, 23);
      const insert = db.prepare(`INSERT INTO accounts ${INSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number };
      db.transaction(() => {
        for (let i = n; i < total; i++) insert.run(...account(`s${String(i).padStart(7, '0')}`), now, now);
      })();
      const { maxId } = db.prepare('SELECT MAX(id) AS maxId FROM accounts').get() as { maxId: number };
      // Into the database file now: else the panel's first write checkpoints the seed's WAL, counted against its pages.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      return maxId;
    },
    async drop() {},
  };
}

function mariadbStore(serverUrl: string, database: string): Store {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const connect = () =>
    createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  return {
    panelEnv: { DATABASE_URL: url.toString() },
    baselineEnv: { DATABASE_URL: url.toString() },
    async seed(total) {
      const conn = await connect();
      await conn.query(`USE \`${database}\``);
      const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM accounts')) as unknown as [[{ n: number }]];
      const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
      for (let done = Number(n); done < total;) {
        const batch = Math.min(5000, total - done);
        const values = Array.from({ length: batch }, (_, i) => [...account(`s${String(done + i).padStart(7, '0')}`), now, now]);
        await conn.query(`INSERT INTO accounts ${INSERT_COLUMNS} VALUES ?`, [values]);
        done += batch;
      }
      const [[{ maxId }]] = (await conn.query('SELECT MAX(id) AS maxId FROM accounts')) as unknown as [[{ maxId: number }]];
      await conn.end();
      return Number(maxId);
    },
    async drop() {
      const conn = await connect();
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
    },
  };
}

async function freshMariadb(serverUrl: string, database: string): Promise<Store> {
  const store = mariadbStore(serverUrl, database);
  await store.drop();
  const url = new URL(serverUrl);
  const conn = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return store;
}

// ---- the servers ---------------------------------------------------------------------------

const LOG_LEVEL = process.env.HW_LOG_LEVEL ?? 'info';

/** A panel on `store` (migrations run on its first start) and its first admin token. */
async function startPanel(store: Store, dataDir: string): Promise<{ panel: Server; token: string }> {
  const port = await freePort();
  const env = {
    ...store.panelEnv,
    HW_TLS: 'false',
    HW_HOST: '127.0.0.1',
    HW_PORT: String(port),
    HW_DATA_DIR: dataDir,
    HW_ROOT_DIR: join(dataDir, 'root'),
    HW_TEMPLATES_DIR: join(ROOT, 'templates'),
    HW_LOG_LEVEL: LOG_LEVEL,
    HW_RATE_LIMIT: '1000000',
    ...startScriptEnv(),
  };
  const panel = await startServer(join(ROOT, 'dist/hostwright.js'), env, port);
  const token = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(panel.output())?.[1];
  if (!token) throw new Error(`no admin token printed:\n${panel.output()}`);
  return { panel, token };
}

async function startBaseline(store: Store): Promise<Server> {
  const port = await freePort();
  // The same process environment as the panel's (npm start's variables).
  const env = { ...store.baselineEnv, ...startScriptEnv(), PORT: String(port), RATE_LIMIT: '1000000', LOG: LOG_LEVEL === 'silent' ? 'silent' : 'info' };
  return startServer(join(ROOT, 'dist/bench/baseline-server.js'), env, port);
}

/** The same answer from both, byte for byte, and the same header names; else the comparison is meaningless. */
async function sameAnswer(panel: Server, baseline: Server, path: string, token: string): Promise<string> {
  const get = (s: Server) => fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const [p, b] = await Promise.all([get(panel), get(baseline)]);
  const [pBody, bBody] = await Promise.all([p.text(), b.text()]);
  const names = (r: Response) => [...r.headers.keys()].sort().join(' ');
  if (pBody !== bBody || p.status !== b.status) throw new Error(`the baseline answers differently:\npanel    ${p.status} ${pBody}\nbaseline ${b.status} ${bBody}`);
  if (names(p) !== names(b)) throw new Error(`the baseline sends other headers:\npanel    ${names(p)}\nbaseline ${names(b)}`);
  return `${pBody.length} bytes identical, headers identical (${names(p)})`;
}

// ---- the rounds ----------------------------------------------------------------------------

type Print = (...cells: (string | number)[]) => void;
const f = (n: number, digits = 1) => n.toFixed(digits);

export async function readsAndLists(engine: Engine, serverUrl: string, databasePrefix: string, print: Print): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), `hw-bench-${engine}-`));
  const stores =
    engine === 'sqlite'
      ? [sqliteStore(dataDir, 'small'), sqliteStore(dataDir, 'large')]
      : [await freshMariadb(serverUrl, `${databasePrefix}_1k`), await freshMariadb(serverUrl, `${databasePrefix}_100k`)];
  const started: Server[] = [];
  try {
    const small = await startPanel(stores[0], join(dataDir, 'a'));
    started.push(small.panel);
    const large = await startPanel(stores[1], join(dataDir, 'b'));
    started.push(large.panel);
    const smallMax = await stores[0].seed(1000);
    const seedStart = Date.now();
    const largeMax = await stores[1].seed(100_000);
    print(`${engine}`, `seeded 1,000 and 100,000 accounts (${f((Date.now() - seedStart) / 1000)} s for the 100k)`);
    const baseline = await startBaseline(stores[0]);
    started.push(baseline);

    const read = `/api/v1/accounts/${smallMax - 500}`;
    const pageAt = (max: number) => `/api/v1/accounts?limit=${PAGE}&cursor=${Buffer.from(String(max - 2 * PAGE)).toString('base64url')}`;
    print('', 'answers', await sameAnswer(small.panel, baseline, read, small.token));

    type Job = () => Promise<Measured>;
    const jobs: Record<string, Job> = {
      panelRead: () => measured(small.panel, read, small.token, READS),
      baselineRead: () => measured(baseline, read, small.token, READS),
      page1k: () => measured(small.panel, pageAt(smallMax), small.token, PAGES),
      page100k: () => measured(large.panel, pageAt(largeMax), large.token, PAGES),
    };
    const names = Object.keys(jobs);
    for (const name of names) await jobs[name](); // warm-up, not counted
    const rounds: Record<string, Measured>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      const got: Record<string, Measured> = {};
      for (const name of order) got[name] = await jobs[name]();
      rounds.push(got);
      const bad = Object.values(got).reduce((n, m) => n + m.bad, 0);
      print(
        '',
        `round ${round + 1}`,
        `read: panel ${f(got.panelRead.cpu, 0)} µs ${f(got.panelRead.rps, 0)}/s, baseline ${f(got.baselineRead.cpu, 0)} µs ${f(got.baselineRead.rps, 0)}/s`,
        `page of ${PAGE}: ${f(got.page1k.cpu, 0)} µs ${f(got.page1k.mean, 2)} ms @1k, ${f(got.page100k.cpu, 0)} µs ${f(got.page100k.mean, 2)} ms @100k`,
        bad ? `(${bad} errors or non-2xx!)` : '',
      );
    }
    const figure = (name: string, values: number[], unit: string, target: string, met: (m: number) => boolean): Figure => ({ engine, name, values, unit, target, met });
    return [
      figure(
        'read CPU/request, panel ÷ baseline',
        rounds.map((r) => r.panelRead.cpu / r.baselineRead.cpu),
        '×',
        '≤ 1.25×',
        (m) => m <= 1.25,
      ),
      figure(
        'read requests/s, panel ÷ baseline',
        rounds.map((r) => r.panelRead.rps / r.baselineRead.rps),
        '×',
        '≥ 0.8×',
        (m) => m >= 0.8,
      ),
      figure(
        'read CPU/request, panel',
        rounds.map((r) => r.panelRead.cpu),
        'µs',
        '—',
        () => true,
      ),
      figure(
        'read CPU/request, baseline',
        rounds.map((r) => r.baselineRead.cpu),
        'µs',
        '—',
        () => true,
      ),
      figure(
        `${PAGE}-row page CPU ÷ single read CPU`,
        rounds.map((r) => r.page1k.cpu / r.panelRead.cpu),
        '×',
        '≤ 2×',
        (m) => m <= 2,
      ),
      figure(
        `${PAGE}-row page latency, 100k ÷ 1k accounts`,
        rounds.map((r) => r.page100k.mean / r.page1k.mean),
        '×',
        'flat (≤ 1.5×)',
        (m) => m <= 1.5,
      ),
    ];
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    for (const store of stores) await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
