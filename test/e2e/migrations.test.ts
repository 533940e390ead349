import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/platform/database/migrations';
import { startTestApp } from '../support/test-app';

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
        else if (found.isNullable !== column.isNullable) problems.push(`${entity.tableName}.${column.databaseName}: nullable ${found.isNullable} in the database, ${column.isNullable} in the entity`);
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
  const files = readdirSync(dir).filter((f) => /^\d+-.+\.js$/.test(f)).sort();
  const fromFiles = await Promise.all(files.map(async (f) => Object.values(await import(join(dir, f)))[0] as { name: string }));
  assert.deepEqual(MIGRATIONS.map((m) => m.name), fromFiles.map((m) => m.name));
});
