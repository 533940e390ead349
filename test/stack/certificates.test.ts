import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { Agent } from 'node:https';
import { axios as acmeHttp, Client } from 'acme-client';
import { startPebble, Pebble } from '../support/pebble';
import { createAccount } from '../support/accounts';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';
import { startNginx, StackNginx } from '../support/stack-nginx';
import { freePort } from '../support/spawn-server';
import { waitFor } from '../support/wait-for';

/*
 * Certificates on real daemons: Debian's nginx serves the accounts on loopback high ports (HTTP and
 * TLS); Debian's Pebble is the ACME CA, validating HTTP-01 against that nginx; pebble-challtestsrv
 * (Pebble's companion DNS server) answers every name with 127.0.0.1, as the account's A record
 * would on a real server. The agent runs in the app's process. `npm run test:stack`, as root.
 */
describe('real stack: certificates by ACME HTTP-01 from Pebble, served by nginx', () => {
  let t: TestApp;
  let pebble: Pebble;
  let dns: ChildProcess;
  let dir: string;
  let nginx: StackNginx | undefined;
  let httpPort: number;
  let tlsPort: number;
  let pebbleRoot: string;
  let dnsManagement: number;

  before(async () => {
    execFileSync(join(REPO_ROOT, 'test/stack/install-deps.sh'), { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'tls-stack-'));
    chmodSync(dir, 0o755);
    [httpPort, tlsPort] = [await freePort(), await freePort()];
    const dnsPort = await freePort();
    dnsManagement = await freePort();
    const dataDir = join(dir, 'data');
    const root = join(dataDir, 'root');
    nginx = startNginx(dir, root, httpPort);

    dns = spawn(
      'pebble-challtestsrv',
      [
        '-dns01',
        `127.0.0.1:${dnsPort}`,
        '-defaultIPv4',
        '127.0.0.1',
        '-defaultIPv6',
        '',
        '-http01',
        '',
        '-https01',
        '',
        '-tlsalpn01',
        '',
        '-management',
        `127.0.0.1:${dnsManagement}`,
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      () =>
        spawnSync('dig', ['@127.0.0.1', '-p', String(dnsPort), '+short', '+time=1', '+tries=1', 'probe.example.org', 'A'], { encoding: 'utf8' }).stdout.trim() ===
        '127.0.0.1',
      'the DNS server',
    );
    pebble = await startPebble({ httpPort, dnsServer: `127.0.0.1:${dnsPort}` });
    pebbleRoot = await pebble.root();
    assert.match(pebbleRoot, /BEGIN CERTIFICATE/);

    t = await startTestApp({
      dataDir,
      env: {
        HW_NGINX_LISTEN: `127.0.0.1:${httpPort}`,
        HW_NGINX_TLS_LISTEN: `127.0.0.1:${tlsPort}`,
        HW_NGINX_TEST_CMD: JSON.stringify([...nginx!.command, '-t', '-q']),
        HW_NGINX_RELOAD_CMD: JSON.stringify([...nginx!.command, '-s', 'reload']),
        HW_NGINX_PID_FILE: join(dir, 'nginx.pid'),
        HW_ACME_DIRECTORY_URL: pebble.directoryUrl,
        HW_ACME_CA_FILE: pebble.caFile,
        HW_ACME_EMAIL: 'ops@example.org',
      },
    });
  });

  after(async () => {
    if (existsSync(join(dir, 'nginx-error.log'))) {
      const errors = readFileSync(join(dir, 'nginx-error.log'), 'utf8')
        .split('\n')
        .filter((l) => /\[(emerg|alert|crit)\]/.test(l));
      if (errors.length) process.stdout.write(`# nginx-error.log:\n${errors.map((l) => `#   ${l}`).join('\n')}\n`);
    }
    nginx?.stop();
    await t?.close();
    await pebble?.stop();
    dns?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  /** HTTPS as curl does it, trusting only Pebble's root: status, body and the served leaf's serial. */
  const curlTls = (domain: string) => {
    writeFileSync(join(dir, 'pebble-root.pem'), pebbleRoot);
    const r = spawnSync(
      'curl',
      [
        '-sS',
        '--max-time',
        '10',
        '--resolve',
        `${domain}:${tlsPort}:127.0.0.1`,
        '--cacert',
        join(dir, 'pebble-root.pem'),
        '-o',
        '-',
        '-w',
        '\n%{http_code}',
        `https://${domain}:${tlsPort}/`,
      ],
      { encoding: 'utf8' },
    );
    const lines = r.stdout.split('\n');
    return { ok: r.status === 0, status: Number(lines.pop()), body: lines.join('\n'), error: r.stderr };
  };
  /** The serial of the certificate nginx presents for the name, verified against Pebble's root. */
  const servedSerial = (domain: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: tlsPort, servername: domain, ca: pebbleRoot }, () => {
        const serial = socket.getPeerCertificate().serialNumber.toLowerCase();
        socket.end();
        resolve(serial);
      });
      socket.on('error', reject);
    });
  const httpGet = (domain: string, path = '/') =>
    new Promise<{ status: number; location?: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: httpPort, path, headers: { host: domain }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      })
        .on('error', reject)
        .end();
    });
  /** An A record of the test's DNS server for one name (pebble-challtestsrv's management API). */
  const dnsRecord = (host: string, address: string) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ host: `${host}.`, addresses: [address] });
      request({ host: '127.0.0.1', port: dnsManagement, method: 'POST', path: '/add-a', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`add-a answered ${res.statusCode}`))));
      })
        .on('error', reject)
        .end(body);
    });
  const live = (domain: string) => join(t.config.provisioning.rootDir, `etc/letsencrypt/live/${domain}`);

  test('issue: chains to Pebble, nginx answers the page over TLS; a forced renewal brings a new serial; delete removes it', async () => {
    const a = await createAccount(t, { domain: 'tls-one.example.org' });
    assert.equal(curlTls(a.domain).ok, false, 'no TLS before the issuance');

    const issued = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(issued.status, 200, issued.text);
    const c = issued.body.data;
    assert.equal(c.status, 'issued');
    assert.deepEqual(c.names, [a.domain, `www.${a.domain}`]);
    assert.match(c.issuer, /Pebble/);
    assert.equal(c.self_signed, false);
    assert.equal(c.last_error, null);
    assert.ok(Date.parse(c.next_attempt_at) < Date.parse(c.not_after));

    // The chain on disk verifies up to the root Pebble's management interface hands out.
    writeFileSync(join(dir, 'pebble-root.pem'), pebbleRoot);
    const verify = spawnSync(
      'openssl',
      ['verify', '-CAfile', join(dir, 'pebble-root.pem'), '-untrusted', join(live(a.domain), 'chain.pem'), join(live(a.domain), 'cert.pem')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.equal(new X509Certificate(readFileSync(join(live(a.domain), 'cert.pem'))).serialNumber.toLowerCase(), c.serial);

    const page = curlTls(a.domain);
    assert.ok(page.ok, page.error);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`Welcome to ${a.domain.replace(/\./g, '\\.')}`));
    assert.equal(await servedSerial(a.domain), c.serial);
    assert.equal((await httpGet(a.domain)).status, 200, 'no redirect unless asked');

    const got = await t.call('GET', `/api/v1/accounts/${a.id}/certificate`);
    assert.deepEqual(got.body.data, c);

    // Not due: the same certificate; forced: a new one, served at once.
    const same = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(same.body.data.serial, c.serial);
    const renewed = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { force: true } });
    assert.equal(renewed.status, 200, renewed.text);
    assert.notEqual(renewed.body.data.serial, c.serial);
    assert.equal(await servedSerial(a.domain), renewed.body.data.serial);

    const chain = readFileSync(join(live(a.domain), 'fullchain.pem'), 'utf8');
    const del = await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`);
    assert.equal(del.status, 204);
    assert.equal(existsSync(live(a.domain)), false);
    assert.equal(curlTls(a.domain).ok, false, 'no TLS after the removal');
    assert.equal((await httpGet(a.domain)).status, 200, 'plain HTTP serves as before');
    // The CA was told: revoking it again with the agent's account key is refused as already revoked.
    acmeHttp.defaults.httpsAgent = new Agent({ ca: readFileSync(pebble.caFile) });
    const client = new Client({ directoryUrl: pebble.directoryUrl, accountKey: readFileSync(join(t.config.dataDir, 'agent/acme-account.key')) });
    // Finds the existing account (its URL signs the revocation); acme-client then sends an empty update some CAs refuse: harmless.
    await client.createAccount({ termsOfServiceAgreed: true }).catch(() => client.getAccountUrl());
    await assert.rejects(client.revokeCertificate(chain), /already been revoked/i);
  });

  test('redirect: plain HTTP answers 301 except the challenge path, so renewal still validates; suspended answers 503 over TLS; deleting the account removes every file', async () => {
    const a = await createAccount(t, { domain: 'tls-two.example.org' });
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { redirect_http: true } });
    assert.equal(r.status, 200, r.text);
    const plain = await httpGet(a.domain, '/some/page');
    assert.equal(plain.status, 301);
    assert.equal(plain.location, `https://${a.domain}/some/page`);
    assert.equal((await httpGet(a.domain, '/.well-known/acme-challenge/absent')).status, 404);
    const renewed = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { force: true } });
    assert.equal(renewed.status, 200, renewed.text);
    assert.equal(renewed.body.data.redirect_http, true);

    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/suspend`, { body: {} })).status, 200);
    assert.equal(curlTls(a.domain).status, 503);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/unsuspend`, { body: {} })).status, 200);
    assert.equal(curlTls(a.domain).status, 200);

    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}`)).status, 204);
    const rootDir = t.config.provisioning.rootDir;
    for (const path of [`etc/letsencrypt/live/${a.domain}`, `etc/letsencrypt/renewal/${a.domain}.conf`, `var/lib/hostwright/acme-challenge/${a.domain}`]) {
      assert.equal(existsSync(join(rootDir, path)), false, path);
    }
    assert.equal(curlTls(a.domain).ok, false);
  });

  test('a failed validation (www. resolves to an address nginx does not listen on) leaves nginx serving exactly as before, the reason kept', async () => {
    const a = await createAccount(t, { domain: 'tls-three.example.org' });
    await dnsRecord(`www.${a.domain}`, '127.0.0.2');
    const vhost = join(t.config.provisioning.rootDir, `etc/nginx/sites-available/${a.domain}.conf`);
    const before = readFileSync(vhost, 'utf8');
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.body.error, 'certificate_failed');
    const c = (await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).body.data;
    assert.equal(c.status, 'failed');
    assert.equal(c.failures, 1);
    assert.match(c.last_error, /^ACME: /);
    assert.equal(readFileSync(vhost, 'utf8'), before);
    assert.equal(existsSync(live(a.domain)), false);
    assert.equal((await httpGet(a.domain)).status, 200);
    assert.equal(curlTls(a.domain).ok, false);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}`)).body.data.status, 'active');
  });
});
