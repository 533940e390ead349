import { TestApp } from './test-app';

/** The seed's create body, verbatim (seeds/000). */
export const SEED_CREATE_BODY = {
  username: 'alice',
  domain: 'alice.example.com',
  email: 'alice@example.com',
  password: 's3cur3p@ss',
  package_id: 1,
};

export const SEED_CREATE_KEYS = ['created_at', 'domain', 'email', 'id', 'package_id', 'status', 'username'];

let counter = 0;
/** A valid create body with a fresh username and domain. */
export function accountBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const name = `u${process.pid.toString(36)}x${counter}`;
  return { username: name, domain: `${name}.example.net`, email: `${name}@example.net`, password: 'correct horse', package_id: 1, ...overrides };
}

export async function createAccount(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: number; username: string; domain: string }> {
  const r = await t.call('POST', '/api/v1/accounts', { body: accountBody(overrides) });
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
  return r.body.data;
}

export async function countRows(t: TestApp, table: string, where = '1=1', params: unknown[] = []): Promise<number> {
  const { DataSource } = await import('typeorm');
  const rows = await t.get(DataSource).query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0].n);
}
