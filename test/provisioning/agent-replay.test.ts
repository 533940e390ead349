import assert from 'node:assert/strict';
import { createServer, IncomingHttpHeaders, request, Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AgentDaemonModule } from '../../src/agent/agent-daemon.module';
import { AgentServer } from '../../src/agent/agent-server';
import { signatureHeaders } from '../../src/agent-protocol/hmac';
import { accountBody } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';
import { freePort } from '../support/spawn-server';
import { dnsRows, readRoot } from './support';

const SECRET = 'agent-replay-secret-'.padEnd(48, 'y');

interface Captured {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sits between the panel and the agent and keeps a copy of every request: what an attacker on the wire would capture. */
function recordingProxy(agentPort: number, captured: Captured[]): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      captured.push({ path: req.url ?? '/', headers: req.headers, body });
      const out = request({ host: '127.0.0.1', port: agentPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    });
  });
}

describe('agent daemon: a captured plan cannot be replayed, not even after the agent restarts', () => {
  let t: TestApp;
  let agentPort: number;
  let proxy: Server;
  let agent: INestApplicationContext;
  const captured: Captured[] = [];

  const startAgent = async () => {
    agent = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot(t.config), { logger: false });
    await agent.get(AgentServer).listen();
  };

  before(async () => {
    agentPort = await freePort();
    const proxyPort = await freePort();
    t = await startTestApp({ env: { HW_AGENT_URL: `http://127.0.0.1:${proxyPort}`, HW_AGENT_SECRET: SECRET, HW_AGENT_PORT: String(agentPort) } });
    proxy = recordingProxy(agentPort, captured);
    await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
    await startAgent();
  });
  after(async () => {
    await agent.close();
    await new Promise((resolve) => proxy.close(resolve));
    await t.close();
  });

  const send = (c: Captured, headers: Record<string, string> = {}, body = c.body) =>
    fetch(`http://127.0.0.1:${agentPort}${c.path}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hw-timestamp': String(c.headers['x-hw-timestamp']),
        'x-hw-nonce': String(c.headers['x-hw-nonce']),
        'x-hw-signature': String(c.headers['x-hw-signature']),
        ...headers,
      },
    });

  test('the remove plan of a deleted account, replayed after a restart at a new account of the same name: refused, files intact', async () => {
    const body = accountBody();
    const first = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(first.status, 201, first.text);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${first.body.data.id}`)).status, 204);
    const removal = captured.find((c) => JSON.parse(c.body).action === 'remove' && JSON.parse(c.body).target.username === body.username);
    assert.ok(removal, 'the remove plan went through the proxy');
    assert.equal(typeof JSON.parse(removal.body).generation, 'number', 'plans carry a generation');
    assert.equal(typeof JSON.parse(removal.body).expires_at, 'number', 'plans carry an expiry');

    // The agent restarts (a new process on the same data dir), then the name is taken again.
    await agent.close();
    await startAgent();
    const second = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(second.status, 201, second.text);
    const root = t.config.provisioning.rootDir;
    const vhost = `etc/nginx/sites-available/${body.domain}.conf`;
    assert.ok(readRoot(root, vhost));

    // The captured request verbatim: its nonce is remembered across the restart.
    const replay = await send(removal);
    assert.equal(replay.status, 401, 'the replayed nonce is refused after the restart');
    // Even signed afresh (a late retry, or someone holding the secret), the old generation is refused.
    const resigned = await send(removal, signatureHeaders(SECRET, 'POST', removal.path, removal.body));
    assert.equal(resigned.status, 409);
    assert.equal(((await resigned.json()) as { error: string }).error, 'stale_plan');

    assert.ok(readRoot(root, vhost), "the new account's vhost is still there");
    assert.match(readRoot(root, 'etc/passwd')!, new RegExp(`^${body.username}:x:`, 'm'));
    assert.equal((await dnsRows(t, String(body.domain))).domains, 1);
    const [row] = await t.get(DataSource).query('SELECT status FROM accounts WHERE id = ?', [second.body.data.id]);
    assert.equal(row.status, 'active');
  });

  test('an expired plan is refused, freshly signed or not', async () => {
    const plan = {
      action: 'remove',
      target: { username: 'expiredone', domain: 'expiredone.example.org', email: 'a@example.org', php_version: '8.2' },
      steps: [{ step: 'vhost', op: 'undo' }],
    };
    const now = Math.floor(Date.now() / 1000);
    const expired = JSON.stringify({ ...plan, generation: 1, expires_at: now - 1 });
    const res = await send({ path: '/v1/plans', headers: signatureHeaders(SECRET, 'POST', '/v1/plans', expired), body: expired });
    assert.equal(res.status, 409);
    const missing = JSON.stringify(plan);
    const res2 = await send({ path: '/v1/plans', headers: signatureHeaders(SECRET, 'POST', '/v1/plans', missing), body: missing });
    assert.equal(res2.status, 400, 'a plan without generation and expiry is not run');
  });

  test('daemon and panel on one SQLite file (or one MariaDB): 20 parallel creates, then 20 parallel deletes, no 500', async () => {
    const bodies = Array.from({ length: 20 }, () => accountBody());
    const created = await Promise.all(bodies.map((body) => t.call('POST', '/api/v1/accounts', { body })));
    assert.deepEqual(
      created.map((r) => r.status),
      bodies.map(() => 201),
      created.find((r) => r.status !== 201)?.text,
    );
    const deleted = await Promise.all(created.map((r) => t.call('DELETE', `/api/v1/accounts/${r.body.data.id}`)));
    assert.deepEqual(
      deleted.map((r) => r.status),
      bodies.map(() => 204),
      deleted.find((r) => r.status !== 204)?.text,
    );
  });
});
