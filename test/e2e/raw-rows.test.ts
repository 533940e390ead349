import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource, QueryFailedError } from 'typeorm';
import { rawTable } from '../../src/platform/database/raw-rows';
import { accountBody } from '../support/accounts';
import { onMariaDb } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';

describe('raw rows (the hot reads straight on the driver)', () => {
  let t: TestApp;
  let db: DataSource;
  before(async () => {
    t = await startTestApp();
    db = t.get(DataSource);
    for (const name of ['rawone', 'rawtwo']) {
      assert.equal((await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: name, domain: `${name}.example.net` }) })).status, 201);
    }
  });
  after(() => t.close());

  test('answers the columns in SELECT order and each row as an array of the values TypeORM reads', async () => {
    const sql = 'SELECT username, id, domain, created_at FROM accounts WHERE status = ? ORDER BY id';
    const table = await rawTable(db, sql, ['active']);
    const objects: Record<string, unknown>[] = await db.query(sql, ['active']);
    assert.deepEqual(table.columns, ['username', 'id', 'domain', 'created_at']);
    assert.deepEqual(
      table.rows,
      objects.map((o) => table.columns.map((c) => o[c])),
    );
    assert.deepEqual(
      table.rows.map((r) => r[0]),
      ['rawone', 'rawtwo'],
    );
  });

  test('the same column array for the same statement; `first` answers the first row', async () => {
    const sql = 'SELECT id, username FROM accounts ORDER BY id';
    const first = await rawTable(db, sql, []);
    const again = await rawTable(db, sql, [], true);
    assert.equal(again.columns, first.columns);
    assert.equal(first.rows.length, 2);
    assert.deepEqual(again.rows[0], first.rows[0]);
  });

  test('a failing statement is a QueryFailedError', async () => {
    await assert.rejects(rawTable(db, 'SELECT nope FROM accounts', []), QueryFailedError);
  });

  test('on MariaDB a column name that repeats is refused, not folded into one value', { skip: !onMariaDb() }, async () => {
    await assert.rejects(
      rawTable(db, 'SELECT id, username AS id FROM accounts', []),
      (e: unknown) => e instanceof QueryFailedError && /repeats/.test(String((e as Error).message)),
    );
  });
});
