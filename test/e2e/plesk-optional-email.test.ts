import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import { MIGRATIONS } from '../../src/platform/database/migrations';
import { ClientEmailOptional1732501100000 } from '../../src/platform/database/migrations/1732501100000-ClientEmailOptional';
import { basic } from '../support/plesk';
import { agent, all, at, expectOk, text } from '../support/plesk-xml';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

/** api-php-lib's packets carry no version attribute. */
const lib = (inner: string) => `<?xml version='1.0' encoding='UTF-8' ?><packet>${inner}</packet>`;
/** api-php-lib's customer add as its testGetAll sends it: pname, login, passwd, no email. */
const customerWithoutEmail = (login: string) =>
  lib(`<customer><add><gen_info><pname>${login} person</pname><login>${login}</login><passwd>S3cure-pass-1</passwd></gen_info></add></customer>`);
const webspaceAdd = (domain: string, ownerId: number, ftp: string) =>
  lib(
    `<webspace><add><gen_setup><name>${domain}</name><owner-id>${ownerId}</owner-id><htype>vrt_hst</htype><ip_address>192.0.2.10</ip_address></gen_setup>` +
      `<hosting><vrt_hst><property><name>ftp_login</name><value>${ftp}</value></property><property><name>ftp_password</name><value>Ftp-pass-0123</value></property>` +
      `<ip_address>192.0.2.10</ip_address></vrt_hst></hosting><plan-name>default</plan-name></add></webspace>`,
  );

/** A Plesk customer's email is optional; the native API, REST v2 and the reseller API still require one (their contracts). */
describe('a client without an email (Plesk XML customer add), seen by every dialect', () => {
  let t: TestApp;
  let token: string;
  const send = (body: string) => agent(t, token, body);
  const add = async (login: string): Promise<number> => {
    const { root } = await send(customerWithoutEmail(login));
    const result = at(root, 'customer/add/result');
    expectOk(result);
    return Number(text(result, 'id'));
  };

  before(async () => {
    t = await startTestApp();
    token = await t.createToken(['*'], 'plesk-lib');
  });
  after(() => t.close());

  test('customer add without email is ok; get reads it back with an empty email; the row holds NULL', async () => {
    const id = await add('noemail1');
    const { root } = await send(lib('<customer><get><filter><login>noemail1</login></filter><dataset><gen_info/><stat/></dataset></get></customer>'));
    const result = at(root, 'customer/get/result');
    expectOk(result);
    assert.equal(text(result, 'id'), String(id));
    assert.equal(text(result, 'data/gen_info/login'), 'noemail1');
    assert.equal(text(result, 'data/gen_info/pname'), 'noemail1 person');
    assert.equal(text(result, 'data/gen_info/email'), '');
    const [row] = await t.get(DataSource).query('SELECT email FROM clients WHERE id = ?', [id]);
    assert.equal(row.email, null);
  });

  test('api-php-lib testGetAll: two customers without email, an empty filter lists both', async () => {
    const ids = [await add('getall1'), await add('getall2')];
    const { root } = await send(lib('<customer><get><filter/><dataset><gen_info/></dataset></get></customer>'));
    const results = all(at(root, 'customer/get'), 'result');
    for (const r of results) expectOk(r);
    const listed = results.map((r) => Number(text(r, 'id')));
    for (const id of ids) assert.ok(listed.includes(id), `customer ${id} listed`);
  });

  test('native, REST v2 and reseller views: null, "" and null; the webhook payload carries null', async () => {
    const id = await add('views1');
    const native = await t.call('GET', `/api/v1/clients/${id}`);
    assert.equal(native.status, 200, native.text);
    assert.equal(native.body.data.email, null);
    const listed = await t.call('GET', '/api/v1/clients?login=views1');
    assert.equal(listed.body.data[0].email, null);
    const rest = await t.call('GET', `/api/v2/clients/${id}`, { token: null, headers: { authorization: basic(token) } });
    assert.equal(rest.status, 200, rest.text);
    assert.equal(rest.body.email, '');
    const reseller = await t.call('GET', `/API/plesk/clients/${id}`, { token: null, headers: { 'x-api-key': token } });
    assert.equal(reseller.status, 200, reseller.text);
    assert.equal(reseller.body.data.email, null);
    const events: { payload: string }[] = await t
      .get(DataSource)
      .query("SELECT payload FROM outbox_events WHERE type = 'client.created' AND resource_key = ?", [`client:${id}`]);
    assert.equal(events.length, 1);
    assert.match(events[0].payload, /"email":null/);
  });

  test('customer set: an email given is stored, an empty one clears it', async () => {
    const id = await add('setmail1');
    const set = (email: string) =>
      send(lib(`<customer><set><filter><id>${id}</id></filter><values><gen_info><email>${email}</email></gen_info></values></set></customer>`));
    expectOk(at((await set('later@example.net')).root, 'customer/set/result'));
    assert.equal((await t.call('GET', `/api/v1/clients/${id}`)).body.data.email, 'later@example.net');
    expectOk(at((await set('')).root, 'customer/set/result'));
    assert.equal((await t.call('GET', `/api/v1/clients/${id}`)).body.data.email, null);
  });

  test('accounts of a client without email: the contact email is webmaster@ the domain (XML webspace, REST v2 domains, reseller orders)', async () => {
    const id = await add('owner1');
    const { root } = await send(webspaceAdd('noemail-xml.example.org', id, 'noemailxml'));
    const result = at(root, 'webspace/add/result');
    expectOk(result);
    const accountOf = async (accountId: number | string) => (await t.call('GET', `/api/v1/accounts/${accountId}`)).body.data;
    const xml = await accountOf(text(result, 'id'));
    assert.equal(xml.email, 'webmaster@noemail-xml.example.org');
    assert.equal(xml.client_id, id);

    const rest = await t.call('POST', '/api/v2/domains', {
      token: null,
      headers: { authorization: basic(token) },
      body: {
        name: 'noemail-rest.example.org',
        hosting_type: 'virtual',
        hosting_settings: { ftp_login: 'noemailrest', ftp_password: 'ftp-password-1' },
        owner_client: { id },
      },
    });
    assert.equal(rest.status, 201, rest.text);
    assert.equal((await accountOf(rest.body.id)).email, 'webmaster@noemail-rest.example.org');
    const moved = await t.call('PUT', `/api/v2/domains/${rest.body.id}`, { token: null, headers: { authorization: basic(token) }, body: { owner_client: { id } } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((await accountOf(rest.body.id)).email, 'webmaster@noemail-rest.example.org', 'an owner without email leaves the account email');

    const order = await t.call('POST', '/API/orders/create_order_plesk', {
      token: null,
      headers: { 'x-api-key': token },
      body: { plan_id: 'default', client_id: String(id), domain_name: 'noemail-order.example.org', ftp_login: 'noemailorder', ftp_password: 'ftp-password-1' },
    });
    assert.equal(order.status, 200, order.text);
    const [row] = await t.get(DataSource).query('SELECT email, client_id FROM accounts WHERE username = ?', ['noemailorder']);
    assert.equal(row.email, 'webmaster@noemail-order.example.org');
    assert.equal(row.client_id, id);
  });

  test('the native API, REST v2 and the reseller API still refuse a client without email; nothing is written', async () => {
    const native = await t.call('POST', '/api/v1/clients', { body: { name: 'No Mail', login: 'nativenomail', password: 's3cur3p@ss' } });
    assert.equal(native.status, 422, native.text);
    assert.ok(JSON.stringify(native.body).includes('email'), native.text);
    const nulled = await t.call('POST', '/api/v1/clients', { body: { name: 'No Mail', login: 'nativenomail', email: null, password: 's3cur3p@ss' } });
    assert.equal(nulled.status, 422, nulled.text);
    const rest = await t.call('POST', '/api/v2/clients', {
      token: null,
      headers: { authorization: basic(token) },
      body: { name: 'No Mail', login: 'restnomail', password: 'S3cure-pass-0123', type: 'customer' },
    });
    assert.equal(rest.status, 400, rest.text);
    assert.match(rest.body.message, /email/);
    const reseller = await t.call('POST', '/API/plesk/clients/create', {
      token: null,
      headers: { 'x-api-key': token },
      body: { name: 'No Mail', login: 'resellernomail', password: 's3cur3p@ss' },
    });
    assert.equal(reseller.status, 422, reseller.text);
    assert.ok(JSON.stringify(reseller.body).includes('email'), reseller.text);
    const rows = await t.get(DataSource).query("SELECT id FROM clients WHERE login IN ('nativenomail', 'restnomail', 'resellernomail')");
    assert.deepEqual(rows, []);
    const existing = await add('clearnative');
    const cleared = await t.call('PATCH', `/api/v1/clients/${existing}`, { body: { email: null } });
    assert.equal(cleared.status, 422, cleared.text);
  });
});

describe('webspace description (XML gen_setup/description), stored on the account', () => {
  let t: TestApp;
  let token: string;
  const send = (body: string) => agent(t, token, body);
  const genInfo = async (filter: string) => {
    const { root } = await send(lib(`<webspace><get><filter>${filter}</filter><dataset><gen_info/></dataset></get></webspace>`));
    const result = at(root, 'webspace/get/result');
    expectOk(result);
    return at(result, 'data/gen_info');
  };

  before(async () => {
    t = await startTestApp();
    token = await t.createToken(['*'], 'plesk-lib');
  });
  after(() => t.close());

  test('add with a description, get reads it back, set changes it (no 1023), an empty one clears it; REST v2 domains store theirs', async () => {
    const { root } = await send(
      lib(
        '<webspace><add><gen_setup><name>described.example.org</name><htype>vrt_hst</htype><ip_address>192.0.2.10</ip_address><description>Billing service 12</description></gen_setup>' +
          '<hosting><vrt_hst><property><name>ftp_login</name><value>describedftp</value></property><property><name>ftp_password</name><value>Ftp-pass-0123</value></property>' +
          '<ip_address>192.0.2.10</ip_address></vrt_hst></hosting><plan-name>default</plan-name></add></webspace>',
      ),
    );
    const added = at(root, 'webspace/add/result');
    expectOk(added);
    const id = text(added, 'id');
    assert.equal(text(await genInfo(`<id>${id}</id>`), 'description'), 'Billing service 12');

    const set = (description: string) =>
      send(lib(`<webspace><set><filter><id>${id}</id></filter><values><gen_setup><description>${description}</description></gen_setup></values></set></webspace>`));
    expectOk(at((await set('Moved to Pro')).root, 'webspace/set/result'));
    assert.equal(text(await genInfo(`<name>described.example.org</name>`), 'description'), 'Moved to Pro');
    const [row] = await t.get(DataSource).query('SELECT description FROM accounts WHERE id = ?', [Number(id)]);
    assert.equal(row.description, 'Moved to Pro');
    expectOk(at((await set('')).root, 'webspace/set/result'));
    const [cleared] = await t.get(DataSource).query('SELECT description FROM accounts WHERE id = ?', [Number(id)]);
    assert.equal(cleared.description, null);
    assert.equal(text(await genInfo(`<id>${id}</id>`), 'description'), '');

    const auth = { authorization: basic(token) };
    const rest = await t.call('POST', '/api/v2/domains', {
      token: null,
      headers: auth,
      body: {
        name: 'rest-described.example.org',
        description: 'from REST',
        hosting_type: 'virtual',
        hosting_settings: { ftp_login: 'restdescribed', ftp_password: 'ftp-password-1' },
      },
    });
    assert.equal(rest.status, 201, rest.text);
    assert.equal(text(await genInfo(`<id>${rest.body.id}</id>`), 'description'), 'from REST');
    const put = await t.call('PUT', `/api/v2/domains/${rest.body.id}`, { token: null, headers: auth, body: { description: 'changed by PUT' } });
    assert.equal(put.status, 200, put.text);
    assert.equal(text(await genInfo(`<id>${rest.body.id}</id>`), 'description'), 'changed by PUT');
    const long = await t.call('PUT', `/api/v2/domains/${rest.body.id}`, { token: null, headers: auth, body: { description: 'x'.repeat(256) } });
    assert.equal(long.status, 400, long.text);
  });
});

test('migration: clients stored before keep their rows, accounts keep their client, email takes NULL, login stays unique, the foreign key still holds', async () => {
  const db = await createTestDatabase();
  const upTo = MIGRATIONS.indexOf(ClientEmailOptional1732501100000);
  const old = new DataSource({ ...dataSourceOptions(db.config), migrations: MIGRATIONS.slice(0, upTo), entities: [] });
  try {
    await old.initialize();
    await old.query(
      "INSERT INTO clients (guid, name, login, email, password_hash, status, created_at, description) VALUES ('00000000-0000-4000-8000-000000000001', 'Old', 'oldclient', 'old@example.com', 'x', 'active', '2026-01-01 00:00:00', 'kept')",
    );
    const [client] = await old.query("SELECT id FROM clients WHERE login = 'oldclient'");
    await old.query(
      "INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, client_id, status, php_version, created_at, updated_at) VALUES ('00000000-0000-4000-8000-000000000002', 'olduser', 'old.example.com', 'com.example.old.', 'old@example.com', 'x', 1, ?, 'active', '8.2', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
      [client.id],
    );
    await old.destroy();
    const now = new DataSource({ ...dataSourceOptions(db.config), entities: [] });
    await now.initialize();
    try {
      const [kept] = await now.query("SELECT id, email, description FROM clients WHERE login = 'oldclient'");
      assert.deepEqual({ id: kept.id, email: kept.email, description: kept.description }, { id: client.id, email: 'old@example.com', description: 'kept' });
      const [account] = await now.query("SELECT client_id FROM accounts WHERE username = 'olduser'");
      assert.equal(account.client_id, client.id);
      const insert = "INSERT INTO clients (guid, name, login, email, password_hash, status, created_at) VALUES (?, 'New', ?, NULL, 'x', 'active', '2026-01-01 00:00:00')";
      await now.query(insert, ['00000000-0000-4000-8000-000000000003', 'nomail1']);
      await now.query(insert, ['00000000-0000-4000-8000-000000000004', 'nomail2']);
      await assert.rejects(now.query(insert, ['00000000-0000-4000-8000-000000000005', 'nomail1']), /UNIQUE|Duplicate/i);
      await assert.rejects(now.query('DELETE FROM clients WHERE id = ?', [client.id]), /FOREIGN KEY|foreign key/i);
      if (now.options.type === 'better-sqlite3') assert.deepEqual(await now.query('PRAGMA foreign_key_check'), []);
    } finally {
      await now.destroy();
    }
  } finally {
    await db.drop();
  }
});
