// The equal-work baseline: raw Fastify over better-sqlite3 (SQLITE_PATH) or mysql2 (DATABASE_URL)
// doing, by hand, what the panel does per authenticated account read — the X-Request-Id rule, the
// per-address failure check, the Bearer token by sha256 hash kept 5 s in a Map keyed by that hash
// (last_used_at written at most once a minute), the scope check, the per-token fixed-window rate
// limit and its headers, the row (AccountView's columns, datetimes as text, as the panel reads it), its server's name and addresses from every server
// row read at most once per 5 s (the panel's ServerDirectory), the same JSON body byte for byte, the same request
// log line through pino (buffered 4 KiB writes; LOG=silent: none, as the panel's HW_LOG_LEVEL) and
// the same two Prometheus series. No framework in between. Spawned by run.ts.
import { hash, randomUUID } from 'node:crypto';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { createPool, RowDataPacket } from 'mysql2/promise';
import pino from 'pino';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { openSqlite, Statement } from './sqlite';

type Row = Record<string, unknown>;

/** One row by one parameter, the statement prepared once (better-sqlite3) or cached by mysql2's execute. */
interface Db {
  one(sql: string, value: string | number): Promise<Row | undefined>;
  all(sql: string): Promise<Row[]>;
  run(sql: string, values: (string | number)[]): Promise<void>;
  close(): Promise<void>;
}

function sqliteDb(path: string): Db {
  const db = openSqlite(path);
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!;
  return {
    one: async (sql, value) => prepared(sql).get(value) as Row | undefined,
    all: async (sql) => prepared(sql).all() as Row[],
    run: async (sql, values) => void prepared(sql).run(...values),
    close: async () => db.close(),
  };
}

function mariadb(url: string): Db {
  const pool = createPool({ uri: url, connectionLimit: 20, timezone: 'Z', dateStrings: true, trace: false });
  return {
    one: async (sql, value) => (await pool.execute<RowDataPacket[]>(sql, [value]))[0][0],
    all: async (sql) => (await pool.execute<RowDataPacket[]>(sql))[0],
    run: async (sql, values) => void (await pool.execute(sql, values)),
    close: () => pool.end(),
  };
}

const db = process.env.SQLITE_PATH ? sqliteDb(process.env.SQLITE_PATH) : mariadb(process.env.DATABASE_URL!);
const sqlite = Boolean(process.env.SQLITE_PATH);
const RATE_LIMIT = Number(process.env.RATE_LIMIT ?? 600);
const RATE_WINDOW_MS = 60_000;

/** 'YYYY-MM-DD HH:MM:SS[.mmm]' (both drivers, UTC) → '…T…Z' without milliseconds. */
const iso = (value: unknown) => (typeof value === 'string' ? `${value.slice(0, 10)}T${value.slice(11, 19)}Z` : null);
/** As stored: SQLite's TypeORM datetime text, MariaDB's DATETIME. */
const sqlNow = () =>
  new Date()
    .toISOString()
    .replace('T', ' ')
    .slice(0, sqlite ? 23 : 19);

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const BEARER = /^bearer +([^\s]+) *$/i;

const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
process.once('exit', () => destination.flushSync());
const app = Fastify({
  logger: process.env.LOG === 'silent' ? false : { level: 'info', stream: destination },
  disableRequestLogging: true,
  requestIdHeader: false,
  genReqId: (raw) => {
    const value = raw.headers['x-request-id'];
    return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : randomUUID();
  },
});

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const labelNames = ['method', 'route', 'status'] as const;
const requests = new Counter({ name: 'http_requests_total', help: 'requests', labelNames, registers: [registry] });
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'latency',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
const series = new Map<string, { count: { inc(): void }; seconds: { observe(s: number): void } }>();

app.addHook('onRequest', (request, reply, done) => {
  reply.header('x-request-id', request.id);
  done();
});
app.addHook('onResponse', (request, reply, done) => {
  const route = request.routeOptions.url ?? 'unmatched';
  const key = `${request.method} ${reply.statusCode} ${route}`;
  let bound = series.get(key);
  if (!bound) {
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    bound = { count: requests.labels(labels), seconds: duration.labels(labels) };
    series.set(key, bound);
  }
  bound.count.inc();
  bound.seconds.observe(reply.elapsedTime / 1000);
  reply.log.info({ method: request.method, url: request.url.split('?')[0], route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  done();
});

interface Token {
  id: number;
  /** Split once, when the row is read: the panel keeps the principal's parsed scopes in its cache entry. */
  scopes: string[];
  expiresAt: number | null;
  revoked: boolean;
  lastUsed: number;
}
const tokens = new Map<string, { token: Token; until: number }>();
const failures = new Map<string, number>();
const windows = new Map<number, { endsAt: number; hits: number }>();

async function tokenFor(secret: string): Promise<Token | null> {
  const secretHash = hash('sha256', secret, 'hex');
  const cached = tokens.get(secretHash);
  if (cached && cached.until > Date.now()) return cached.token;
  const row = await db.one('SELECT * FROM api_tokens WHERE secret_hash = ? LIMIT 1', secretHash);
  if (!row) return null;
  const expires = iso(row.expires_at);
  const token = {
    id: Number(row.id),
    scopes: String(row.scopes)
      .split(',')
      .map((s) => s.trim()),
    expiresAt: expires ? Date.parse(expires) : null,
    revoked: row.revoked_at !== null,
    lastUsed: 0,
  };
  tokens.set(secretHash, { token, until: Date.now() + 5000 });
  return token;
}

const unauthenticated = { error: 'unauthenticated', message: 'A valid API token is required' };

async function principal(request: FastifyRequest, reply: FastifyReply, scope: string): Promise<Token | null> {
  if (failures.size && (failures.get(request.ip) ?? 0) > Date.now()) return (reply.code(429).send({ error: 'rate_limited' }), null);
  const secret = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const token = secret && secret.length <= 200 ? await tokenFor(secret) : null;
  const now = Date.now();
  if (!token || token.revoked || (token.expiresAt !== null && token.expiresAt <= now)) return (reply.code(401).send(unauthenticated), null);
  if (now - token.lastUsed > 60_000) {
    token.lastUsed = now;
    void db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [sqlNow(), token.id]).catch(() => undefined);
  }
  if (!token.scopes.includes('*') && !token.scopes.includes(scope)) return (reply.code(403).send({ error: 'forbidden' }), null);
  let window = windows.get(token.id);
  if (!window || window.endsAt <= now) windows.set(token.id, (window = { endsAt: now + RATE_WINDOW_MS, hits: 0 }));
  window.hits += 1;
  if (window.hits > RATE_LIMIT) return (reply.code(429).send({ error: 'rate_limited' }), null);
  reply.header('x-ratelimit-limit', RATE_LIMIT);
  reply.header('x-ratelimit-remaining', RATE_LIMIT - window.hits);
  reply.header('x-ratelimit-reset', Math.ceil((window.endsAt - now) / 1000));
  return token;
}

/** Every server row, read at most once per 5 s (the panel's ServerDirectory): the account's server name and addresses. */
let servers = new Map<number, Row>();
let serversUntil = 0;
async function serverOf(id: number): Promise<{ name: string; ipv4: string | null; nameservers: string[] } | undefined> {
  if (Date.now() >= serversUntil) {
    servers = new Map((await db.all('SELECT * FROM servers')).map((row) => [Number(row.id), row]));
    serversUntil = Date.now() + 5000;
  }
  const row = servers.get(id);
  if (!row) return undefined;
  const nameservers = typeof row.nameservers === 'string' && row.nameservers !== '' ? (JSON.parse(row.nameservers) as string[]) : [];
  return { name: String(row.name), ipv4: (row.ipv4 as string | null) ?? (id === 1 ? '127.0.0.1' : null), nameservers };
}

/** The panel's view read: AccountView's columns, its datetimes as stored text (MariaDB's through DATE_FORMAT, as the panel asks). */
const asText = (c: string) => (sqlite ? c : `DATE_FORMAT(${c}, '%Y-%m-%d %H:%i:%s') AS ${c}`);
const VIEW_COLUMNS =
  'id, guid, username, domain, email, package_id, client_id, status, php_version, disk_limit_mb, bandwidth_limit_mb, external_id, suspend_reason, server_id, ' +
  [asText('created_at'), asText('updated_at')].join(', ');

const SUSPENDED = new Set(['suspending', 'suspended', 'unsuspending', 'deleting', 'failed', 'updating']);

app.get<{ Params: { id: string } }>('/api/v1/accounts/:id', async (request, reply) => {
  if (!(await principal(request, reply, 'accounts:read'))) return reply;
  const id = Number(request.params.id);
  if (!Number.isSafeInteger(id) || id < 1) return reply.code(404).send({ error: 'not_found', message: 'Account not found' });
  const a = await db.one(`SELECT ${VIEW_COLUMNS} FROM accounts WHERE id = ? LIMIT 1`, id);
  if (!a) return reply.code(404).send({ error: 'not_found', message: 'Account not found' });
  const suspensions = SUSPENDED.has(a.status as string)
    ? [await db.one('SELECT type, reason, created_at FROM account_suspensions WHERE account_id = ? ORDER BY created_at', id)]
        .filter(Boolean)
        .map((s) => ({ type: s!.type, reason: s!.reason, since: iso(s!.created_at) }))
    : [];
  const server = await serverOf(Number(a.server_id));
  return {
    data: {
      id: a.id,
      username: a.username,
      domain: a.domain,
      email: a.email,
      status: a.status,
      package_id: a.package_id,
      created_at: iso(a.created_at),
      guid: a.guid,
      client_id: a.client_id,
      php_version: a.php_version,
      disk_limit_mb: a.disk_limit_mb,
      bandwidth_limit_mb: a.bandwidth_limit_mb,
      suspend_reason: a.suspend_reason,
      suspensions,
      external_id: a.external_id,
      server_id: a.server_id,
      server_name: server?.name ?? null,
      updated_at: iso(a.updated_at),
    },
  };
});

app.get('/health', async () => ({ status: 'ok' }));

void app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(
    signal,
    () =>
      void app
        .close()
        .then(() => db.close())
        .then(() => process.exit(0)),
  );
}
