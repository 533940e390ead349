import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { reversedLabels } from '../../src/agent-protocol/grammar';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { MIGRATIONS } from '../../src/platform/database/migrations';
import { AccountDomainReversed1732400060000 } from '../../src/platform/database/migrations/1732400060000-AccountDomainReversed';
import { startTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

test('the hand-written migrations make every table and column the entities use, with the same nullability', async () => {
  const t = await startTestApp();
  const runner = t.get(DataSource).createQueryRunner();
  try {
    const problems: string[] = [];
    for (const entity of t.get(DataSource).entityMetadatas) {
      const table = await runner.getTable(entity.tableName);
      if (!table) {
        problems.push(`table ${entity.tableName} is missing`);
        continue;
      }
      for (const column of entity.columns) {
        const found = table.findColumnByName(column.databaseName);
        if (!found) problems.push(`${entity.tableName}.${column.databaseName} is missing`);
        else if (found.isNullable !== column.isNullable) {
          problems.push(`${entity.tableName}.${column.databaseName}: nullable ${found.isNullable} in the database, ${column.isNullable} in the entity`);
        }
      }
      for (const index of entity.indices.filter((i) => i.isUnique)) {
        const columns = index.columns.map((c) => c.databaseName).join(',');
        const unique = [...table.indices.filter((i) => i.isUnique), ...table.uniques].some((u) => u.columnNames.join(',') === columns);
        if (!unique) problems.push(`${entity.tableName}(${columns}) has no unique index`);
      }
    }
    assert.deepEqual(problems, []);
  } finally {
    await runner.release();
    await t.close();
  }
});

test('health answers 503 when the database is gone', async () => {
  const t = await startTestApp();
  try {
    await t.get(DataSource).destroy();
    const r = await t.call('GET', '/health', { token: null });
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { status: 'unavailable', database: 'down' });
  } finally {
    await t.app.close().catch(() => undefined);
    await t.database.drop();
  }
});

test('every migration file is in the MIGRATIONS list, in timestamp order (the bundle carries only listed ones)', async () => {
  const dir = join(__dirname, '../../src/platform/database/migrations');
  const files = readdirSync(dir)
    .filter((f) => /^\d+-.+\.js$/.test(f))
    .sort();
  const fromFiles = await Promise.all(files.map(async (f) => Object.values(await import(join(dir, f)))[0] as { name: string }));
  assert.deepEqual(
    MIGRATIONS.map((m) => m.name),
    fromFiles.map((m) => m.name),
  );
});

test('accounts.domain_rev: rows stored before the migration get their reversed domain, and it is unique', async () => {
  const db = await createTestDatabase();
  const upTo = MIGRATIONS.indexOf(AccountDomainReversed1732400060000);
  const old = new DataSource({ ...dataSourceOptions(db.config), migrations: MIGRATIONS.slice(0, upTo), entities: [] });
  try {
    await old.initialize();
    const insert =
      'INSERT INTO accounts (guid, username, domain, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)';
    for (const [n, domain] of [
      [1, 'alice.example.com'],
      [2, 'xn--nicode-2ya.de'],
      [3, 'a.b.c.example.org'],
    ] as const) {
      await old.query(insert, [
        `00000000-0000-4000-8000-00000000000${n}`,
        `user${n}`,
        domain,
        'a@example.com',
        'x',
        'active',
        '8.2',
        '2026-01-01 00:00:00',
        '2026-01-01 00:00:00',
      ]);
    }
    await old.destroy();
    const now = new DataSource({ ...dataSourceOptions(db.config), entities: [] });
    await now.initialize();
    try {
      const rows: { domain: string; domain_rev: string }[] = await now.query('SELECT domain, domain_rev FROM accounts ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.domain_rev),
        ['com.example.alice.', 'de.xn--nicode-2ya.', 'org.example.c.b.a.'],
      );
      for (const row of rows) assert.equal(row.domain_rev, reversedLabels(row.domain));
      await assert.rejects(
        now.query(insert.replace('domain,', 'domain, domain_rev,').replace('VALUES (?,', 'VALUES (?, ?,'), [
          '00000000-0000-4000-8000-000000000009',
          'user9',
          'other.example',
          'com.example.alice.',
          'a@example.com',
          'x',
          'active',
          '8.2',
          '2026-01-01 00:00:00',
          '2026-01-01 00:00:00',
        ]),
        /UNIQUE|Duplicate/i,
      );
    } finally {
      await now.destroy();
    }
  } finally {
    if (old.isInitialized) await old.destroy();
    await db.drop();
  }
});
