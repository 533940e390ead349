import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AgentDaemonModule } from '../../src/agent/agent-daemon.module';
import { AgentServer } from '../../src/agent/agent-server';
import { CertificateOperations } from '../../src/agent/certificates/certificate-operations';
import { buildCertificateRequest } from '../../src/agent-protocol/certificates';
import { signatureHeaders } from '../../src/agent-protocol/hmac';
import { createAccount } from '../support/accounts';
import { freePort } from '../support/spawn-server';
import { startTestApp, TestApp } from '../support/test-app';

const SECRET = 'agent-secret-'.padEnd(48, 'c');

describe('agent daemon: certificate operations over HMAC-signed HTTP', () => {
  let t: TestApp;
  let port: number;
  let agent: INestApplicationContext;

  before(async () => {
    port = await freePort();
    const acme = `https://127.0.0.1:${await freePort()}/dir`;
    t = await startTestApp({ env: { HW_AGENT_URL: `http://127.0.0.1:${port}`, HW_AGENT_SECRET: SECRET, HW_AGENT_PORT: String(port), HW_ACME_DIRECTORY_URL: acme } });
    // The daemon's own setting: the operator chose the self-signed fallback on the agent's host.
    agent = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot({ ...t.config, acme: { ...t.config.acme, fallback: 'self-signed' } }), {
      logger: false,
    });
    await agent.get(AgentServer).listen();
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}/v1/certificates`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  test('the panel builds no certificate operations in daemon mode; the daemon issues and removes for it', async () => {
    assert.throws(() => t.get(CertificateOperations));
    const a = await createAccount(t);
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.data.self_signed, true);
    assert.match(r.body.data.last_error, /unreachable/);
    const key = join(t.config.provisioning.rootDir, `etc/letsencrypt/live/${a.domain}/privkey.pem`);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.doesNotMatch(r.text, /PRIVATE KEY/);
    assert.match(readFileSync(join(t.config.provisioning.rootDir, `etc/nginx/sites-available/${a.domain}.conf`), 'utf8'), /listen 443 ssl;/);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`)).status, 204);
    assert.throws(() => statSync(key));
  });

  test('unsigned 401; signed but unsafe 400; expired 400; an account the agent has no vhost for 422 with the reason', async () => {
    const target = { username: 'nobodyhere', domain: 'nobodyhere.example.org', php_version: '8.2' };
    const good = JSON.stringify(buildCertificateRequest('issue', target));
    assert.equal((await post(good, {})).status, 401);
    const unsafe = JSON.stringify({ ...buildCertificateRequest('issue', target), target: { ...target, domain: 'x;y.example.org' } });
    assert.equal((await post(unsafe, signatureHeaders(SECRET, 'POST', '/v1/certificates', unsafe))).status, 400);
    const expired = JSON.stringify(buildCertificateRequest('issue', target, false, Date.now() - 600_000));
    const stale = await post(expired, signatureHeaders(SECRET, 'POST', '/v1/certificates', expired));
    assert.equal(stale.status, 400);
    assert.equal(((await stale.json()) as { field: string }).field, 'expires_at');
    const none = await post(good, signatureHeaders(SECRET, 'POST', '/v1/certificates', good));
    assert.equal(none.status, 422);
    assert.deepEqual(await none.json(), { error: 'certificate_failed', reason: 'the account has no vhost on this server' });
  });
});
