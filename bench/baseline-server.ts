// The ceiling of the stack: raw Fastify + mysql2 doing the panel's SQL for an authenticated read
// (token by sha256 hash, then the row by id), with no framework in between. Spawned by run.ts.
import { createHash } from 'node:crypto';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { createPool, RowDataPacket } from 'mysql2/promise';

const pool = createPool({ uri: process.env.DATABASE_URL!, connectionLimit: 20, timezone: 'Z', dateStrings: true });
const app = Fastify({ logger: false });

const iso = (value: string | null) => (value ? `${value.replace(' ', 'T')}Z` : null);

async function authenticated(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const header = request.headers.authorization ?? '';
  const secret = header.startsWith('Bearer ') ? header.slice(7) : '';
  const hash = createHash('sha256').update(secret).digest('hex');
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT id, scopes, expires_at, revoked_at FROM api_tokens WHERE secret_hash = ? LIMIT 1', [hash]);
  const token = rows[0];
  if (!token || token.revoked_at || (token.expires_at && new Date(iso(token.expires_at)!) <= new Date())) {
    reply.code(401).send({ error: 'unauthenticated', message: 'A valid API token is required' });
    return false;
  }
  return true;
}

app.get<{ Params: { id: string } }>('/api/v1/accounts/:id', async (request, reply) => {
  if (!(await authenticated(request, reply))) return reply;
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT id, username, domain, email, status, package_id, created_at FROM accounts WHERE id = ?', [
    Number(request.params.id),
  ]);
  const a = rows[0];
  if (!a) return reply.code(404).send({ error: 'not_found', message: 'Account not found' });
  return { data: { id: a.id, username: a.username, domain: a.domain, email: a.email, status: a.status, package_id: a.package_id, created_at: iso(a.created_at) } };
});

app.get<{ Params: { id: string } }>('/api/v1/packages/:id', async (request, reply) => {
  if (!(await authenticated(request, reply))) return reply;
  const [rows] = await pool.execute<RowDataPacket[]>('SELECT * FROM packages WHERE id = ?', [Number(request.params.id)]);
  const p = rows[0];
  if (!p) return reply.code(404).send({ error: 'not_found', message: 'Package not found' });
  return {
    data: {
      id: p.id,
      name: p.name,
      disk_quota_mb: p.disk_quota_mb,
      bandwidth_mb: p.bandwidth_mb,
      max_domains: p.max_domains,
      max_databases: p.max_databases,
      max_email_accounts: p.max_email_accounts,
      php_version: p.php_version,
      created_at: iso(p.created_at),
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
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
}
