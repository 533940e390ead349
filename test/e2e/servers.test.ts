import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { TokensService } from '../../src/auth/tokens.service';
import { tokenCommands } from '../../src/auth/token.cli';
import { CliUsageError, parseArgs } from '../../src/cli/cli-command';
import { SecretBox } from '../../src/auth/signing/secret-box';
import { ServerDirectory } from '../../src/servers/server-directory';
import { agentGrantStatements } from '../../src/agent/system/panel-grants';
import { readFileSync } from 'node:fs';
import { sqlNow } from '../../src/platform/database/columns';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/test-app';
import { accountBody, countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

const SECRET = 'fleet-agent-secret-'.padEnd(40, 's');
/** Nothing listens here (the fleet helper's port range): a server whose agent never answers. */
const DEAD_AGENT = 'http://127.0.0.1:19399';

describe('servers API (GET/POST/PATCH/DELETE /api/v1/servers) and placement', () => {
  let t: TestApp;
  let ds: DataSource;
  const serverBody = (overrides: Record<string, unknown> = {}) => ({ name: `web${++made}`, agent_url: DEAD_AGENT, agent_secret: SECRET, ...overrides });
  let made = 0;
  const addServer = async (overrides: Record<string, unknown> = {}) => {
    const r = await t.call('POST', '/api/v1/servers', { body: serverBody(overrides) });
    assert.equal(r.status, 201, r.text);
    return r.body.data as { id: number; name: string };
  };
  /** Every server but 1 leaves, its accounts first (their rows only: they were never provisioned anywhere real). */
  const onlyServerOne = async () => {
    await ds.query('DELETE FROM accounts WHERE server_id <> 1');
    await ds.query('DELETE FROM servers WHERE id <> 1');
    t.get(ServerDirectory).forget();
  };

  before(async () => {
    t = await startTestApp({ env: { HW_SERVER_IP: '198.51.100.1', HW_SERVER_PROBE_SECONDS: '0' } });
    ds = t.get(DataSource);
  });
  after(() => t.close());
  beforeEach(onlyServerOne);

  test("README carries the agents' database grants exactly as panel-grants.ts lists them", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(agentGrantStatements('hw_agent', '10.0.0.%', 'hostwright').join('\n')), 'README "A fleet of servers" grants block');
  });

  test('a fresh install has server 1: the in-process agent, HW_SERVER_IP, online, its accounts counted', async () => {
    const a = await createAccount(t);
    const r = await t.call('GET', '/api/v1/servers');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.length, 1);
    const one = r.body.data[0];
    assert.deepEqual(
      { id: one.id, name: one.name, agent_url: one.agent_url, ipv4: one.ipv4, state: one.state, health: one.health.status },
      { id: 1, name: 'server-1', agent_url: null, ipv4: '198.51.100.1', state: 'online', health: 'unknown' },
    );
    assert.equal(one.accounts_count, await countRows(t, 'accounts'));
    assert.ok(!('agent_secret' in one) && !('agent_secret_enc' in one));
    assert.equal(r.body.meta.next_cursor, null);
    const account = await t.call('GET', `/api/v1/accounts/${a.id}`);
    assert.equal(account.body.data.server_id, 1);
    assert.equal(account.body.data.server_name, 'server-1');
  });

  test('create, read, change, delete; the secret is never answered and is sealed at rest', async () => {
    const created = await t.call('POST', '/api/v1/servers', {
      body: {
        name: 'web-a',
        agent_url: 'http://10.0.0.12:7443/',
        agent_secret: SECRET,
        ipv4: '203.0.113.12',
        ipv6: '2001:db8::12',
        nameservers: ['NS1.Example.net.'],
        capacity: 10,
      },
    });
    assert.equal(created.status, 201, created.text);
    const s = created.body.data;
    assert.deepEqual(
      {
        name: s.name,
        agent_url: s.agent_url,
        ipv4: s.ipv4,
        ipv6: s.ipv6,
        nameservers: s.nameservers,
        capacity: s.capacity,
        state: s.state,
        accounts_count: s.accounts_count,
      },
      {
        name: 'web-a',
        agent_url: 'http://10.0.0.12:7443',
        ipv4: '203.0.113.12',
        ipv6: '2001:db8::12',
        nameservers: ['ns1.example.net'],
        capacity: 10,
        state: 'online',
        accounts_count: 0,
      },
    );
    assert.doesNotMatch(created.text, new RegExp(SECRET));
    const [row] = await ds.query('SELECT agent_secret_enc FROM servers WHERE id = ?', [s.id]);
    assert.doesNotMatch(String(row.agent_secret_enc), new RegExp(SECRET));
    assert.equal(t.get(SecretBox).open(String(row.agent_secret_enc)), SECRET);

    const read = await t.call('GET', `/api/v1/servers/${s.id}`);
    assert.equal(read.status, 200);
    assert.doesNotMatch(read.text, new RegExp(SECRET));
    const drained = await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'draining', capacity: null, ipv6: null } });
    assert.equal(drained.status, 200, drained.text);
    assert.deepEqual([drained.body.data.state, drained.body.data.capacity, drained.body.data.ipv6], ['draining', null, null]);
    const newSecret = 'another-secret-'.padEnd(40, 'z');
    assert.equal((await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { agent_secret: newSecret } })).status, 200);
    const [again] = await ds.query('SELECT agent_secret_enc FROM servers WHERE id = ?', [s.id]);
    assert.equal(t.get(SecretBox).open(String(again.agent_secret_enc)), newSecret);

    const page = await t.call('GET', '/api/v1/servers?limit=1');
    assert.deepEqual(
      page.body.data.map((x: { id: number }) => x.id),
      [1],
    );
    const next = await t.call('GET', `/api/v1/servers?limit=1&cursor=${page.body.meta.next_cursor}`);
    assert.deepEqual(
      next.body.data.map((x: { id: number }) => x.id),
      [s.id],
    );
    assert.equal(next.body.meta.next_cursor, null);
    assert.equal((await t.call('DELETE', `/api/v1/servers/${s.id}`)).status, 204);
    assert.equal((await t.call('GET', `/api/v1/servers/${s.id}`)).status, 404);
    assert.equal((await t.call('DELETE', `/api/v1/servers/${s.id}`)).status, 404);
  });

  test('bad fields: 422 naming each; a taken name 409; nothing is made', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ agent_url: 'ftp://10.0.0.1' }, 'agent_url'],
      [{ agent_url: 'not a url' }, 'agent_url'],
      [{ agent_url: 'http://u:p@10.0.0.1:7443' }, 'agent_url'],
      [{ agent_url: 'http://10.0.0.1:7443/v1/plans' }, 'agent_url'],
      [{ agent_secret: 'short' }, 'agent_secret'],
      [{ ipv4: '10.0.0.256' }, 'ipv4'],
      [{ ipv4: '2001:db8::1' }, 'ipv4'],
      [{ ipv6: '10.0.0.1' }, 'ipv6'],
      [{ nameservers: ['not a host'] }, 'nameservers[0]'],
      [{ capacity: -1 }, 'capacity'],
      [{ capacity: 1.5 }, 'capacity'],
      [{ state: 'sleeping' }, 'state'],
      [{ name: '-bad' }, 'name'],
      [{ name: '' }, 'name'],
    ];
    for (const [overrides, field] of cases) {
      const r = await t.call('POST', '/api/v1/servers', { body: serverBody(overrides) });
      assert.equal(r.status, 422, `${JSON.stringify(overrides)}: ${r.text}`);
      assert.equal(r.body.error, 'validation_failed');
      assert.ok(
        r.body.details.some((d: { field: string }) => d.field === field),
        `${JSON.stringify(overrides)} names ${field}: ${r.text}`,
      );
    }
    const missing = await t.call('POST', '/api/v1/servers', { body: { name: 'web-z' } });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.details.map((d: { field: string }) => d.field).sort(), ['agent_secret', 'agent_url']);
    assert.equal(await countRows(t, 'servers'), 1);

    await addServer({ name: 'web-dup' });
    const dup = await t.call('POST', '/api/v1/servers', { body: serverBody({ name: 'web-dup' }) });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.details[0].field, 'name');
    const other = await addServer();
    const renamed = await t.call('PATCH', `/api/v1/servers/${other.id}`, { body: { name: 'web-dup' } });
    assert.equal(renamed.status, 409);
    const unset = await t.call('PATCH', `/api/v1/servers/${other.id}`, { body: { agent_url: null } });
    assert.equal(unset.status, 422, "only server 1 may be the panel's own agent");
    assert.equal((await t.call('PATCH', '/api/v1/servers/999999', { body: { state: 'offline' } })).status, 404);
  });

  test('scopes: servers:read reads, servers:write writes; accounts tokens get 403', async () => {
    const reader = await t.createToken(['servers:read']);
    const writer = await t.createToken(['servers:write']);
    const accounts = await t.createToken(['accounts:write']);
    assert.equal((await t.call('GET', '/api/v1/servers', { token: reader })).status, 200);
    assert.equal((await t.call('POST', '/api/v1/servers', { token: reader, body: serverBody() })).status, 403);
    assert.equal((await t.call('GET', '/api/v1/servers', { token: writer })).status, 200);
    assert.equal((await t.call('POST', '/api/v1/servers', { token: writer, body: serverBody() })).status, 201);
    assert.equal((await t.call('GET', '/api/v1/servers', { token: accounts })).status, 403);
    assert.equal((await t.call('GET', '/api/v1/servers', { token: null })).status, 401);
  });

  test('a server with accounts cannot be deleted (409); server 1 not while it is the only one', async () => {
    const one = await t.call('DELETE', '/api/v1/servers/1');
    assert.equal(one.status, 409);
    const s = await addServer();
    await ds.query('UPDATE accounts SET server_id = ? WHERE id = (SELECT id FROM (SELECT MIN(id) AS id FROM accounts) x)', [s.id]);
    const refused = await t.call('DELETE', `/api/v1/servers/${s.id}`);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error, 'conflict');
    assert.equal(await countRows(t, 'servers', 'id = ?', [s.id]), 1);
  });

  test('placement: the least-loaded online server that is up and has room; draining, offline, down, full are passed over', async () => {
    await createAccount(t); // server 1 holds at least one account
    const s = await addServer();
    t.get(ServerDirectory).forget();
    // An empty online server is the least loaded: the create goes to its agent, which does not answer.
    const toDead = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
    assert.equal(toDead.status, 503, toDead.text);
    assert.equal(toDead.body.error, 'agent_unreachable');
    assert.equal(await countRows(t, 'accounts', 'server_id = ?', [s.id]), 0, 'a create refused by its agent leaves no row');
    for (const change of [{ state: 'draining' }, { state: 'offline' }, { capacity: 0 }]) {
      await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'online', capacity: null, ...change } });
      const placed = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
      assert.equal(placed.status, 201, `${JSON.stringify(change)}: ${placed.text}`);
      assert.equal((await t.call('GET', `/api/v1/accounts/${placed.body.data.id}`)).body.data.server_id, 1, JSON.stringify(change));
    }
    await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'online', capacity: null } });
    await ds.query("UPDATE servers SET health_status = 'down' WHERE id = ?", [s.id]);
    const down = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
    assert.equal(down.status, 201, 'a server the probe found down is passed over');
    assert.equal((await t.call('GET', `/api/v1/accounts/${down.body.data.id}`)).body.data.server_id, 1);
  });

  test('placement: no server can take it → 503 no_server_available, nothing made', async () => {
    await t.call('PATCH', '/api/v1/servers/1', { body: { state: 'draining' } });
    try {
      const before = await countRows(t, 'accounts');
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody() });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error, 'no_server_available');
      assert.ok(r.headers['retry-after']);
      assert.equal(await countRows(t, 'accounts'), before);
    } finally {
      await t.call('PATCH', '/api/v1/servers/1', { body: { state: 'online' } });
    }
  });

  test('placement: an explicit server_id comes first; missing/offline 422, draining/full 409, naming server_id', async () => {
    const s = await addServer({ state: 'draining' });
    const explicit = async (id: number) => t.call('POST', '/api/v1/accounts', { body: accountBody({ server_id: id }) });
    const draining = await explicit(s.id);
    assert.equal(draining.status, 409, draining.text);
    assert.equal(draining.body.details[0].field, 'server_id');
    await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'online', capacity: 0 } });
    assert.equal((await explicit(s.id)).status, 409, 'full');
    await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'offline', capacity: null } });
    const offline = await explicit(s.id);
    assert.equal(offline.status, 422);
    assert.equal(offline.body.details[0].field, 'server_id');
    const missing = await explicit(987654);
    assert.equal(missing.status, 422);
    assert.equal(missing.body.details[0].field, 'server_id');
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: accountBody({ server_id: 'two' }) })).status, 422);
    // Explicit server 1 although server s would be the least loaded once online again.
    await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'online' } });
    const one = await explicit(1);
    assert.equal(one.status, 201, one.text);
    assert.equal((await t.call('GET', `/api/v1/accounts/${one.body.data.id}`)).body.data.server_id, 1);
  });

  test('placement: a token pinned to a server sends its creates there; the native body server_id still wins', async () => {
    await createAccount(t);
    const s = await addServer();
    const made = await t.call('POST', '/api/v1/tokens', { body: { name: 'pinned', scopes: ['accounts:write'], server_id: 1 } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.data.server_id, 1);
    const pinned = made.body.data.token as string;
    const r = await t.call('POST', '/api/v1/accounts', { token: pinned, body: accountBody() });
    assert.equal(r.status, 201, `pinned to 1 although server ${s.id} is emptier: ${r.text}`);
    assert.equal((await t.call('GET', `/api/v1/accounts/${r.body.data.id}`)).body.data.server_id, 1);
    const bodyFirst = await t.call('POST', '/api/v1/accounts', { token: pinned, body: accountBody({ server_id: s.id }) });
    assert.equal(bodyFirst.status, 503, "the body's server_id beats the pin: its dead agent answers");
    const unknown = await t.call('POST', '/api/v1/tokens', { body: { name: 'pinned', scopes: ['accounts:write'], server_id: 4242 } });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.details[0].field, 'server_id');
  });

  test('a server another panel added is known at once: a miss reads the rows again (the 5 s cache)', async () => {
    const directory = t.get(ServerDirectory);
    assert.ok(await directory.get(1), 'the cache is warm');
    // Another panel's insert: this panel's cache is not told.
    await ds.query(
      "INSERT INTO servers (name, agent_url, agent_secret_enc, nameservers, state, health_status, created_at, updated_at) VALUES ('elsewhere', ?, ?, '[]', 'online', 'unknown', ?, ?)",
      [DEAD_AGENT, t.get(SecretBox).seal(SECRET), sqlNow(), sqlNow()],
    );
    const [{ id }] = await ds.query("SELECT id FROM servers WHERE name = 'elsewhere'");
    assert.equal((await directory.get(Number(id)))?.name, 'elsewhere');
    assert.equal((await directory.describe([Number(id)])).get(Number(id))?.name, 'elsewhere');
  });

  test('CLI: token:create --server-id pins the token (a server that does not exist, or not an id, is refused)', async () => {
    const create = tokenCommands.find((c) => c.name === 'token:create')!;
    const run = (argv: string[]) => create.run(parseArgs(argv), t.app, () => undefined);
    await run(['--name', 'cli-pinned', '--scopes', 'accounts:write', '--server-id', '1']);
    const [row] = await ds.query("SELECT server_id FROM api_tokens WHERE name = 'cli-pinned'");
    assert.equal(Number(row.server_id), 1);
    await assert.rejects(run(['--name', 'cli-bad', '--scopes', 'accounts:write', '--server-id', 'x']), CliUsageError);
    await assert.rejects(run(['--name', 'cli-gone', '--scopes', 'accounts:write', '--server-id', '4711']), /server 4711 does not exist/);
  });

  test("Opterius: the key's pinned server comes before the body's server_id (§1.4); server_ip is the account's server's", async () => {
    await createAccount(t);
    const s = await addServer({ ipv4: '203.0.113.77' });
    const key = (await t.get(TokensService).create({ name: 'whmcs', scopes: ['accounts:write'], dialect: 'opterius', serverId: s.id })).secret;
    const body = (overrides: Record<string, unknown> = {}) => {
      const b = accountBody();
      return { domain: b.domain, username: b.username, password: 'correct horse', package: 'default', client_email: b.email, client_name: 'Op', ...overrides };
    };
    const pinFirst = await t.call('POST', '/api/v1/accounts/create', { token: key, body: body({ server_id: 1 }) });
    assert.equal(pinFirst.status, 500, `the pin (server ${s.id}, dead agent) beats server_id 1: ${pinFirst.text}`);
    const unpinned = (await t.get(TokensService).create({ name: 'whmcs2', scopes: ['accounts:write'], dialect: 'opterius' })).secret;
    const viaBody = await t.call('POST', '/api/v1/accounts/create', { token: unpinned, body: body({ server_id: 1 }) });
    assert.equal(viaBody.status, 200, viaBody.text);
    assert.equal(viaBody.body.data.server_ip, '198.51.100.1');
    const invalid = await t.call('POST', '/api/v1/accounts/create', { token: unpinned, body: body({ server_id: 5555 }) });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.message, 'The selected server id is invalid.');
    await t.call('PATCH', `/api/v1/servers/${s.id}`, { body: { state: 'draining' } });
    await t.call('PATCH', '/api/v1/servers/1', { body: { state: 'draining' } });
    try {
      const none = await t.call('POST', '/api/v1/accounts/create', { token: unpinned, body: body() });
      assert.equal(none.status, 422);
      assert.equal(none.body.message, 'No available servers');
    } finally {
      await t.call('PATCH', '/api/v1/servers/1', { body: { state: 'online' } });
    }
  });
});
