import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { Account } from '../../src/accounts/account.entity';
import { AccountsService } from '../../src/accounts/accounts.service';
import { AccountView } from '../../src/accounts/dto/account.view';
import { isoUtc } from '../../src/common/dates';
import { findPageAfter, findViewPageAfter } from '../../src/platform/database/find-one-by-column';
import { storedUtcDatetime, storedUtcIso } from '../../src/platform/database/stored-datetime';
import { createAccount } from '../support/accounts';
import { onMariaDb } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';

const COLUMNS = ['id', 'username', 'status', 'created_at', 'updated_at'];

describe('view reads and pages: datetimes read as text, not Dates', () => {
  let t: TestApp;
  let db: DataSource;
  const ids: number[] = [];
  before(async () => {
    t = await startTestApp();
    db = t.get(DataSource);
    for (const name of ['vpone', 'vptwo', 'vpthree']) ids.push((await createAccount(t, { username: name, domain: `${name}.example.net` })).id);
    assert.equal((await t.call('POST', `/api/v1/accounts/${ids[1]}/suspend`, { body: { type: 'abuse', reason: 'Spam #9' } })).status, 200);
  });
  after(() => t.close());

  test('each row of a page is what a single read answers, byte for byte (suspensions and server name included)', async () => {
    const page = await t.call('GET', '/api/v1/accounts?limit=10');
    assert.equal(page.status, 200);
    assert.equal(page.body.data.length, 3);
    for (const row of page.body.data) {
      const one = await t.call('GET', `/api/v1/accounts/${row.id}`);
      assert.equal(JSON.stringify(row), JSON.stringify(one.body.data));
    }
    assert.equal(page.body.data[1].suspensions[0].reason, 'Spam #9');
  });

  test('a single read is the view of the entity (Dates and all), byte for byte', async () => {
    for (const id of ids) {
      const one = await t.call('GET', `/api/v1/accounts/${id}`);
      assert.equal(JSON.stringify(one.body.data), JSON.stringify(AccountView.of(await t.get(AccountsService).get(id))));
    }
  });

  test('the text is the entity page’s Dates in isoUtc’s form; every other column the same', async () => {
    const entities = await findPageAfter(db, Account, {}, 0, 10, COLUMNS);
    const views = await findViewPageAfter(db, Account, {}, 0, 10, COLUMNS);
    assert.equal(views.length, 3);
    views.forEach((view, i) => {
      const { createdAt, updatedAt, ...rest } = entities[i];
      assert.ok(createdAt instanceof Date);
      assert.deepEqual({ ...view }, { ...rest, createdAt: isoUtc(createdAt), updatedAt: isoUtc(updatedAt) });
    });
  });

  test('stored milliseconds are dropped as isoUtc drops them', { skip: onMariaDb() }, async () => {
    await db.query('UPDATE accounts SET created_at = ? WHERE id = ?', ['2026-04-08 14:32:05.987', ids[0]]);
    const [view] = await findViewPageAfter(db, Account, {}, ids[0] - 1, 1, COLUMNS);
    assert.equal(view.createdAt, '2026-04-08T14:32:05Z');
  });

  test('a datetime stored in another form takes the driver’s conversion, as the entity read does', { skip: onMariaDb() }, async () => {
    await db.query('UPDATE accounts SET created_at = ? WHERE id = ?', ['2026-04-08 14:32', ids[2]]);
    const [view] = await findViewPageAfter(db, Account, {}, ids[2] - 1, 1, COLUMNS);
    assert.equal(view.createdAt, '2026-04-08T14:32:00Z');
    const one = await t.call('GET', `/api/v1/accounts/${ids[2]}`);
    assert.equal(one.body.data.created_at, '2026-04-08T14:32:00Z');
  });

  test('on MariaDB the DATETIME comes as its stored UTC text', { skip: !onMariaDb() }, async () => {
    await db.query('UPDATE accounts SET created_at = ? WHERE id = ?', ['2026-04-08 14:32:05', ids[0]]);
    const [view] = await findViewPageAfter(db, Account, {}, ids[0] - 1, 1, COLUMNS);
    assert.equal(view.createdAt, '2026-04-08T14:32:05Z');
  });
});

describe('stored datetime text', () => {
  test('storedUtcIso is isoUtc of the Date storedUtcDatetime makes, over random texts', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    for (let i = 0; i < 500; i++) {
      const ms = Date.UTC(1000 + Math.floor(Math.random() * 9000), 0, 1) + Math.floor(Math.random() * 365 * 86_400_000);
      const d = new Date(ms);
      const text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${i % 2 ? `.${pad(d.getUTCMilliseconds(), 3)}` : ''}`;
      assert.equal(storedUtcIso(text), isoUtc(storedUtcDatetime(text)), text);
    }
  });

  test('anything but the stored form is left to the driver', () => {
    for (const value of ['2026-04-08T14:32:05Z', '2026-04-08 14:32', '2026-04-08 14:32:05.98', ' 2026-04-08 14:32:05', null, 42, new Date()]) {
      assert.equal(storedUtcIso(value), undefined, String(value));
    }
  });
});
