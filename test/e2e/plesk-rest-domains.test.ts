import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic } from '../support/plesk';
import { startTestApp, TestApp } from '../support/test-app';

const DOMAIN_KEYS = ['aliases', 'ascii_name', 'base_domain_id', 'created', 'guid', 'hosting_type', 'id', 'name', 'server_id', 'server_name', 'www_root'];

describe('Plesk REST v2: domains, server, client description', () => {
  let t: TestApp;
  let auth: string;
  const rest = (method: string, url: string, body?: unknown) => t.call(method, url, { token: null, body, headers: { authorization: auth } });
  let clientId: number;

  before(async () => {
    t = await startTestApp();
    auth = basic(await t.createToken(['clients:write', 'accounts:write'], 'plesk-rest'));
    const c = await rest('POST', '/api/v2/clients', {
      name: 'Dom Owner',
      login: 'domowner',
      email: 'dom@example.net',
      password: 'S3cure-pass-1',
      type: 'customer',
      description: 'billing client 7',
    });
    assert.equal(c.status, 201, c.text);
    clientId = c.body.id;
  });
  after(() => t.close());

  test('description is stored and read back, and changed by PUT', async () => {
    assert.equal((await rest('GET', `/api/v2/clients/${clientId}`)).body.description, 'billing client 7');
    assert.equal((await rest('PUT', `/api/v2/clients/${clientId}`, { description: 'moved' })).status, 200);
    assert.equal((await rest('GET', `/api/v2/clients/${clientId}`)).body.description, 'moved');
  });

  test('POST /domains without plan gets the default package; without hosting_settings → 400', async () => {
    const created = await rest('POST', '/api/v2/domains', {
      name: 'noplan.example.org',
      hosting_type: 'virtual',
      hosting_settings: { ftp_login: 'noplanftp', ftp_password: 'ftp-password-1' },
      owner_client: { id: clientId },
    });
    assert.equal(created.status, 201, created.text);
    const account = (await t.call('GET', `/api/v1/accounts/${created.body.id}`)).body.data;
    assert.equal(account.package_id, 1);
    assert.equal(account.client_id, clientId);
    const missing = await rest('POST', '/api/v2/domains', { name: 'nohs.example.org', hosting_type: 'virtual', plan: { name: 'default' } });
    assert.equal(missing.status, 400, missing.text);
    assert.equal(missing.body.code, 400);
    assert.match(missing.body.message, /hosting_settings/);
  });

  test('GET /domains (?name=), GET/PUT/DELETE /domains/{id}, /client, /status', async () => {
    const created = await rest('POST', '/api/v2/domains', {
      name: 'life.example.org',
      hosting_type: 'virtual',
      hosting_settings: { ftp_login: 'lifeftp', ftp_password: 'ftp-password-1' },
      owner_client: { login: 'domowner' },
      plan: { name: 'default' },
    });
    assert.equal(created.status, 201, created.text);
    const { id, guid } = created.body;

    const all = await rest('GET', '/api/v2/domains');
    assert.equal(all.status, 200);
    assert.ok(all.body.length >= 2);
    const named = await rest('GET', '/api/v2/domains?name=LIFE.example.org');
    assert.equal(named.body.length, 1);
    assert.deepEqual(Object.keys(named.body[0]).sort(), DOMAIN_KEYS);
    assert.equal(named.body[0].id, id);
    assert.deepEqual((await rest('GET', '/api/v2/domains?name=none.example.org')).body, []);

    const one = await rest('GET', `/api/v2/domains/${id}`);
    assert.equal(one.body.name, 'life.example.org');
    assert.equal((await rest('GET', `/api/v2/domains/${guid}`)).body.id, id);
    const owner = await rest('GET', `/api/v2/domains/${id}/client`);
    assert.equal(owner.body.login, 'domowner');

    assert.deepEqual((await rest('GET', `/api/v2/domains/${id}/status`)).body, { status: 'active' });
    for (const status of ['suspended', 'disabled', 'disabled']) {
      const r = await rest('PUT', `/api/v2/domains/${id}/status`, { status });
      assert.equal(r.status, 200, r.text);
    }
    // disabled after suspended keeps the first suspension (it is already suspended)
    assert.deepEqual((await rest('GET', `/api/v2/domains/${id}/status`)).body, { status: 'suspended' });
    assert.equal((await t.call('GET', `/api/v1/accounts/${id}`)).body.data.status, 'suspended');
    assert.deepEqual((await rest('PUT', `/api/v2/domains/${id}/status`, { status: 'active' })).body, { status: 'active' });
    assert.deepEqual((await rest('PUT', `/api/v2/domains/${id}/status`, { status: 'disabled' })).body, { status: 'disabled' });
    assert.deepEqual((await rest('PUT', `/api/v2/domains/${id}/status`, { status: 'active' })).body, { status: 'active' });
    assert.equal((await rest('PUT', `/api/v2/domains/${id}/status`, { status: 'paused' })).status, 400);

    const updated = await rest('PUT', `/api/v2/domains/${id}`, { hosting_settings: { ftp_password: 'new-ftp-password-1' } });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.body, { id, guid });
    assert.equal((await rest('PUT', `/api/v2/domains/${id}`, { name: 'other.example.org' })).status, 400);
    assert.equal((await rest('PUT', `/api/v2/domains/${id}`, { plan: { name: 'nope' } })).status, 400);

    const removed = await rest('DELETE', `/api/v2/domains/${id}`);
    assert.deepEqual(removed.body, { id, guid });
    assert.equal((await rest('GET', `/api/v2/domains/${id}`)).status, 404);
    assert.equal((await t.call('GET', `/api/v1/accounts/${id}`)).status, 404);
    assert.equal((await rest('DELETE', `/api/v2/domains/${id}`)).status, 404);
  });

  test('a domain without owner: /client is 404', async () => {
    const created = await rest('POST', '/api/v2/domains', { name: 'orphan.example.org', hosting_settings: { ftp_login: 'orphanftp', ftp_password: 'ftp-password-1' } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await rest('GET', `/api/v2/domains/${created.body.id}/client`)).status, 404);
  });

  test('GET /server and /server/ips tell the truth', async () => {
    const server = await rest('GET', '/api/v2/server');
    assert.equal(server.status, 200);
    assert.equal(server.body.platform, 'Unix');
    assert.equal(typeof server.body.hostname, 'string');
    assert.match(server.body.panel_version, /^\d+\.\d+\.\d+/);
    const ips = await rest('GET', '/api/v2/server/ips/');
    assert.equal(ips.status, 200);
    assert.deepEqual(ips.body, [{ ipv4: t.config.provisioning.serverIp, ipv6: '', netmask: '255.255.255.255', interface: '', type: 'shared' }]);
  });
});
