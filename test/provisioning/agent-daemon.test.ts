import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AgentDaemonModule } from '../../src/agent/agent-daemon.module';
import { AgentServer } from '../../src/agent/agent-server';
import { PlanExecutor } from '../../src/agent/plan-executor';
import { signatureHeaders } from '../../src/agent-protocol/hmac';
import { DomainError } from '../../src/common/errors/domain-error';
import { statusOf } from '../../src/common/errors/error-catalogue';
import { MetricsService } from '../../src/platform/observability/metrics.service';
import { AccountProvisioner } from '../../src/provisioning/provisioning.port';
import { ProvisioningReconciler } from '../../src/provisioning/reconciler.service';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { accountBody, countRows } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { dnsRows, insertAccount, leftovers, listTree, newTarget, readRoot } from './support';
import { freePort } from '../support/spawn-server';

const SECRET = 'agent-secret-'.padEnd(48, 'x');

describe('agent daemon: plans over HMAC-signed HTTP', () => {
  let t: TestApp;
  let port: number;
  let root: string;
  let provisioner: AccountProvisioner;
  let agent: INestApplicationContext;
  const logLines: string[] = [];

  before(async () => {
    port = await freePort();
    t = await startTestApp({ env: { HW_AGENT_URL: `http://127.0.0.1:${port}`, HW_AGENT_SECRET: SECRET, HW_AGENT_PORT: String(port) } });
    // Every log line of the agent (and, through Nest's shared logger, the panel) is kept: the password test reads them.
    const keep = (...parts: unknown[]) => void logLines.push(parts.map(String).join(' '));
    agent = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot(t.config), {
      logger: { log: keep, error: keep, warn: keep, debug: keep, verbose: keep },
    });
    await agent.get(AgentServer).listen();
    root = t.config.provisioning.rootDir;
    provisioner = t.get(AccountProvisioner);
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  test('the panel in daemon mode builds nothing privileged: no executor, no agent server', () => {
    assert.throws(() => t.get(PlanExecutor));
    assert.throws(() => t.get(AgentServer));
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}/v1/plans`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  test('the panel creates, suspends and removes through the daemon', async () => {
    const a = await insertAccount(t, newTarget('http'), 'provisioning');
    await provisioner.create(a);
    assert.ok(readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`));
    assert.equal((await dnsRows(t, a.domain)).domains, 1);
    const metrics = (await t.get(MetricsService).render()).body;
    assert.match(metrics, /^hostwright_provisioning_step_duration_seconds_count\{step="vhost",result="ok"\} 1$/m, "the daemon's step timings reach the panel's metrics");
    await provisioner.suspend(a);
    assert.match(readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`)!, /return 503/);
    await provisioner.remove(a);
    assert.deepEqual(leftovers(root, a), []);
    await t.get(DataSource).query('DELETE FROM accounts WHERE id = ?', [a.id]);
  });

  test('POST /v1/databases: signed like plans (401 unsigned), names held to the grammar (400), 503 without a hosting server', async () => {
    const send = (op: unknown, sign = true) => {
      const body = JSON.stringify(op);
      const headers = sign ? signatureHeaders(SECRET, 'POST', '/v1/databases', body) : {};
      return fetch(`http://127.0.0.1:${port}/v1/databases`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    };
    assert.equal((await send({ op: 'create_database', username: 'alice', database: 'alice_x' }, false)).status, 401);
    for (const [op, field] of [
      [{ op: 'create_database', username: 'alice', database: 'bob_x' }, 'database'],
      [{ op: 'create_database', username: 'alice', database: 'alice_`x' }, 'database'],
      [{ op: 'create_user', username: 'alice', user: 'alice_u', password: 'clear-text-pw' }, 'password_hash'],
      [{ op: 'create_user', username: 'alice', user: 'alice_u', password_hash: "*' OR 1=1", databases: [] }, 'password_hash'],
      [{ op: 'update_user', username: 'alice', user: 'alice_u', databases: ['alice\\_%'] }, 'databases[0]'],
      [{ op: 'grant_all', username: 'alice' }, 'op'],
    ] as const) {
      const r = await send(op);
      assert.equal(r.status, 400, JSON.stringify(op));
      assert.equal(((await r.json()) as { field: string }).field, field);
    }
    const none = await send({ op: 'create_database', username: 'alice', database: 'alice_x' });
    assert.equal(none.status, 503);
    assert.equal(((await none.json()) as { error: string }).error, 'databases_unconfigured');
    const id = (await t.call('POST', '/api/v1/accounts', { body: accountBody() })).body.data.id;
    const api = await t.call('POST', `/api/v1/accounts/${id}/databases`, { body: { name: `${(await t.call('GET', `/api/v1/accounts/${id}`)).body.data.username}_x` } });
    assert.equal(api.status, 503, api.text);
    assert.equal(api.body.error, 'database_server_unavailable');
  });

  test('a password travels as a secret: set as SHA512-crypt in shadow; no log line, agent file or error answer carries it', async () => {
    const password = 'Daemon-Secret-Pass-5k';
    const a = await insertAccount(t, newTarget('sec'), 'provisioning');
    await provisioner.create({ ...a, password });
    const shadow = readRoot(root, 'etc/shadow')!
      .split('\n')
      .find((l) => l.startsWith(`${a.username}:`))!;
    const hash = shadow.split(':')[1];
    assert.match(hash, /^\$6\$[A-Za-z0-9./]{16}\$/, 'a SHA512-crypt hash with a 16-character salt');
    // The system's crypt(3) (what PAM's pam_unix checks a login with) accepts the password against it, and only it.
    const crypt = (pw: string) => execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', pw, hash], { encoding: 'utf8' });
    assert.equal(crypt(password), hash);
    assert.notEqual(crypt(`${password}x`), hash);
    await provisioner.changePassword(a, `${password}-2`);
    assert.notEqual(
      readRoot(root, 'etc/shadow')!
        .split('\n')
        .find((l) => l.startsWith(`${a.username}:`)),
      shadow,
    );
    // A change for a user that is not there fails in the agent: its answer and logs name the step, never the value.
    const body = JSON.stringify({
      action: 'change_password',
      target: { username: 'nosuchuser', domain: 'nosuchuser.example.org', email: 'a@example.org', php_version: '8.2' },
      steps: [{ step: 'password', op: 'apply' }],
      generation: 1,
      expires_at: Math.floor(Date.now() / 1000) + 300,
      secrets: { password: `${password}-3` },
    });
    const failed = await post(body, signatureHeaders(SECRET, 'POST', '/v1/plans', body));
    assert.equal(failed.status, 500);
    const answer = await failed.text();
    assert.match(answer, /"step":"password"/);
    const bad = JSON.stringify({ ...JSON.parse(body), secrets: { password: `short\n${password}` } });
    const refused = await post(bad, signatureHeaders(SECRET, 'POST', '/v1/plans', bad));
    assert.equal(refused.status, 400);
    const refusal = await refused.text();
    assert.ok(
      logLines.some((l) => l.includes('step password failed')),
      'the failure is logged',
    );
    for (const text of [answer, refusal, ...logLines]) assert.ok(!text.includes(password), `no password in: ${text.slice(0, 200)}`);
    // The agent's ledger and nonces, the database on SQLite, and everything the agent wrote under rootDir.
    for (const file of listTree(t.config.dataDir).filter((f) => !f.endsWith('/'))) {
      const full = join(t.config.dataDir, file);
      if (lstatSync(full).isFile()) assert.ok(!readFileSync(full).includes(password), `${file} carries no password`);
    }
    await provisioner.remove(a);
    await t.get(DataSource).query('DELETE FROM accounts WHERE id = ?', [a.id]);
  });

  test('a good signed request runs; tampered body, stale timestamp, replayed nonce and wrong secret get 401', async () => {
    const plan = (username: string) =>
      JSON.stringify({
        action: 'remove',
        target: { username, domain: `${username}.example.org`, email: 'a@example.org', php_version: '8.2' },
        steps: [{ step: 'vhost', op: 'undo' }],
        generation: 1,
        expires_at: Math.floor(Date.now() / 1000) + 300,
      });
    const body = plan('nobodyhere');
    const headers = signatureHeaders(SECRET, 'POST', '/v1/plans', body);
    const ran = await post(body, headers);
    assert.equal(ran.status, 200);
    const { steps } = (await ran.json()) as { steps: { step: string; seconds: number; ok: boolean }[] };
    assert.deepEqual(
      steps.map(({ step, ok }) => ({ step, ok })),
      [{ step: 'vhost', ok: true }],
      'the step timings travel back',
    );
    assert.ok(steps[0].seconds >= 0);
    const replay = await post(body, headers);
    assert.equal(replay.status, 401);
    assert.deepEqual(await replay.json(), { error: 'unauthenticated' });
    assert.equal((await post(plan('somebodyelse'), signatureHeaders(SECRET, 'POST', '/v1/plans', body))).status, 401, 'tampered body');
    assert.equal((await post(body, signatureHeaders(SECRET, 'POST', '/v1/plans', body, Date.now() - 301_000))).status, 401, 'stale');
    assert.equal((await post(body, signatureHeaders('z'.repeat(48), 'POST', '/v1/plans', body))).status, 401, 'wrong secret');
    assert.equal((await post(body, {})).status, 401, 'unsigned');
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
  });

  test('usage through the daemon: the jobs measure disk and read the access log over signed HTTP; unsigned or hostile usage requests are refused', async () => {
    const a = await insertAccount(t, newTarget('use'), 'provisioning');
    await provisioner.create(a);
    await t.get(DataSource).query("UPDATE accounts SET status = 'active' WHERE id = ?", [a.id]);
    writeFileSync(join(root, 'home', a.username, 'public_html/blob.bin'), Buffer.alloc(1024 * 1024, 1));
    mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
    writeFileSync(join(root, 'var/log/nginx', `${a.domain}.access.log`), `${Math.floor(Date.now() / 1000)}.5 12345\n`);
    assert.equal(await t.get(UsageJobs).measureDisk(), true);
    assert.equal(await t.get(UsageJobs).countTraffic(), true);
    const u = (await t.call('GET', `/api/v1/accounts/${a.id}/usage`)).body.data;
    assert.ok(u.disk_home_bytes >= 1024 * 1024, String(u.disk_home_bytes));
    assert.equal(u.bandwidth_used_bytes, 12345);

    const usagePost = (path: string, body: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const query = JSON.stringify([{ domain: a.domain, cursor: { inode: null, offset: 0 } }]);
    assert.equal((await usagePost('/v1/usage/traffic', query, {})).status, 401);
    assert.equal((await usagePost('/v1/usage/traffic', query, signatureHeaders('wrong-secret'.padEnd(48, 'y'), 'POST', '/v1/usage/traffic', query))).status, 401);
    const signed = await usagePost('/v1/usage/traffic', query, signatureHeaders(SECRET, 'POST', '/v1/usage/traffic', query));
    assert.equal(signed.status, 200);
    assert.equal(((await signed.json()) as { results: { lines: number }[] }).results[0].lines, 1);
    const hostile = JSON.stringify([{ domain: '../../etc', cursor: { inode: null, offset: 0 } }]);
    const refused = await usagePost('/v1/usage/traffic', hostile, signatureHeaders(SECRET, 'POST', '/v1/usage/traffic', hostile));
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_plan');
    const disk = JSON.stringify([{ username: 'root/../x', domain: a.domain, disk_limit_mb: null }]);
    assert.equal((await usagePost('/v1/usage/disk', disk, signatureHeaders(SECRET, 'POST', '/v1/usage/disk', disk))).status, 400);
  });

  test('a body over 64 KiB gets 413 in JSON, not a reset connection', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
    const res = await post(body, signatureHeaders(SECRET, 'POST', '/v1/plans', body));
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { error: 'payload_too_large' });
  });

  test('the daemon rechecks every plan: a hostile value gets 400 invalid_plan and writes nothing', async () => {
    const before = listTree(root);
    const body = JSON.stringify({
      action: 'create',
      target: { username: 'evil', domain: 'e.example.org;\ninclude /etc', email: 'a@example.org', php_version: '8.2' },
      steps: [{ step: 'vhost', op: 'apply' }],
    });
    const res = await post(body, signatureHeaders(SECRET, 'POST', '/v1/plans', body));
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_plan');
    assert.deepEqual(listTree(root), before);
  });

  test('agent drops the connection mid-plan: 503, a clean-up note, and the reconciler removes what the agent made', async () => {
    await agent.get(AgentServer).close();
    // A stand-in agent that runs nothing and hangs up after reading each request.
    const dropper = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => dropper.listen(port, '127.0.0.1', resolve));
    const a = await insertAccount(t, newTarget('drop'), 'provisioning');
    const error = await provisioner.create(a).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof DomainError && error.code === 'agent_unreachable');
    await t.get(DataSource).query('DELETE FROM accounts WHERE id = ?', [a.id]);
    assert.equal((await t.get(DataSource).query('SELECT username FROM provisioning_cleanups')).length, 1);
    await new Promise((resolve) => dropper.close(resolve));

    // Say the agent had got as far as a vhost before it died: the real agent comes back, the reconciler removes it.
    await agent.get(AgentServer).listen();
    mkdirSync(join(root, 'etc/nginx/sites-available'), { recursive: true });
    writeFileSync(join(root, `etc/nginx/sites-available/${a.domain}.conf`), 'server {}\n');
    assert.equal(await t.get(ProvisioningReconciler).reconcile(-1), 1);
    assert.deepEqual(leftovers(root, a), []);
    assert.deepEqual(await t.get(DataSource).query('SELECT username FROM provisioning_cleanups'), []);
  });

  test('agent not listening: create fails with 503 agent_unreachable and leaves nothing', async () => {
    await agent.get(AgentServer).close();
    const a = await insertAccount(t, newTarget('down'), 'provisioning');
    const error = await provisioner.create(a).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof DomainError);
    assert.equal(statusOf(error.code), 503);
    assert.equal(error.code, 'agent_unreachable');
    assert.deepEqual(leftovers(root, a), []);
    assert.deepEqual(await dnsRows(t, a.domain), { domains: 0, records: 0 });

    const body = accountBody();
    const r = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error, 'agent_unreachable');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 0);
    assert.deepEqual(leftovers(root, { ...a, username: String(body.username), domain: String(body.domain) }), []);
  });
});
