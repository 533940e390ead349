import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app';

test('the hand-written migrations build exactly the schema the entities describe', async () => {
  const t = await startTestApp();
  try {
    const dataSource = t.get(DataSource);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    const statements = pending.upQueries.map((q) => q.query);
    assert.deepEqual(statements, [], `entities and migrations disagree:\n${statements.join('\n')}`);
  } finally {
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
