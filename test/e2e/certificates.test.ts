import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { CertificateRenewalJob } from '../../src/certificates/certificate-renewal.job';
import { renewalTime, retryDelaySeconds } from '../../src/certificates/renewal-schedule';
import { sqlDatetime } from '../../src/platform/database/columns';
import { accountBody, createAccount } from '../support/accounts';
import { startPebble, Pebble } from '../support/pebble';
import { skipUnlessInstalled } from '../support/system-tools';
import { freePort } from '../support/spawn-server';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const RETRY_BASE = 120;
const CERT_KEYS = [
  'account_id',
  'failures',
  'issuer',
  'last_error',
  'names',
  'next_attempt_at',
  'not_after',
  'not_before',
  'redirect_http',
  'self_signed',
  'serial',
  'status',
];

const vhostOf = (t: TestApp, domain: string) => join(t.config.provisioning.rootDir, `etc/nginx/sites-available/${domain}.conf`);
const liveDir = (t: TestApp, domain: string) => join(t.config.provisioning.rootDir, `etc/letsencrypt/live/${domain}`);
const secondsFromNow = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;

describe('certificates: the schedule', () => {
  test('renewal 30 days before not_after, not before two thirds of a short life', () => {
    const day = 86_400_000;
    const from = new Date('2026-01-01T00:00:00Z');
    assert.equal(renewalTime(from, new Date(from.getTime() + 90 * day), 30).toISOString(), '2026-03-02T00:00:00.000Z');
    assert.equal(renewalTime(from, new Date(from.getTime() + 6 * day), 30).toISOString(), '2026-01-05T00:00:00.000Z');
  });

  test('the backoff doubles with each failure in a row, up to a day', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10, 40].map((n) => retryDelaySeconds(n, 300)),
      [300, 600, 1200, 2400, 86_400, 86_400],
    );
  });
});

describe('certificates: ACME against Pebble whose DNS answers nothing (the domain is not resolvable)', { skip: skipUnlessInstalled('pebble') }, () => {
  let t: TestApp;
  let pebble: Pebble;

  before(async () => {
    // Nothing listens on the DNS port: Pebble cannot resolve any name, so every HTTP-01 validation fails.
    pebble = await startPebble({ httpPort: await freePort(), dnsServer: `127.0.0.1:${await freePort()}` });
    t = await startTestApp({
      env: {
        HW_ACME_DIRECTORY_URL: pebble.directoryUrl,
        HW_ACME_CA_FILE: pebble.caFile,
        HW_ACME_EMAIL: 'ops@example.net',
        HW_CERTIFICATE_RETRY_BASE: String(RETRY_BASE),
      },
    });
  });
  after(async () => {
    await t?.close();
    await pebble?.stop();
  });

  test('GET of an account without a certificate is 404, of a missing account 404', async () => {
    const a = await createAccount(t);
    const none = await t.call('GET', `/api/v1/accounts/${a.id}/certificate`);
    assert.equal(none.status, 404);
    assert.equal(none.body.error, 'not_found');
    assert.equal((await t.call('GET', '/api/v1/accounts/999999/certificate')).status, 404);
    assert.equal((await t.call('POST', '/api/v1/accounts/999999/certificate', { body: {} })).status, 404);
  });

  test('a body that is not booleans is 422, nothing recorded', async () => {
    const a = await createAccount(t);
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { redirect_http: 'yes' } });
    assert.equal(r.status, 422);
    assert.equal(r.body.details[0].field, 'redirect_http');
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).status, 404);
  });

  test('a suspended account is 409 and gets no row', async () => {
    const a = await createAccount(t);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/suspend`, { body: {} })).status, 200);
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(r.status, 409);
    assert.match(r.body.message, /suspended/);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).status, 404);
  });

  test('a failed validation is 502 certificate_failed; the reason is kept, a retry scheduled, the account serves exactly as before', async () => {
    const a = await createAccount(t);
    const vhostBefore = readFileSync(vhostOf(t, a.domain), 'utf8');
    assert.match(vhostBefore, /location \^~ \/\.well-known\/acme-challenge\//);
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.body.error, 'certificate_failed');
    assert.match(r.body.message, /ACME/);

    const got = await t.call('GET', `/api/v1/accounts/${a.id}/certificate`);
    assert.equal(got.status, 200);
    assert.deepEqual(Object.keys(got.body.data).sort(), CERT_KEYS);
    const c = got.body.data;
    assert.equal(c.status, 'failed');
    assert.equal(c.failures, 1);
    assert.match(c.last_error, /^ACME: /);
    assert.equal(c.serial, null);
    assert.deepEqual(c.names, []);
    assert.ok(Math.abs(secondsFromNow(c.next_attempt_at) - RETRY_BASE) < 5, c.next_attempt_at);

    assert.equal(readFileSync(vhostOf(t, a.domain), 'utf8'), vhostBefore);
    assert.equal(existsSync(liveDir(t, a.domain)), false);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}`)).body.data.status, 'active');
    // The challenge tokens were taken away again.
    const tokens = join(t.config.provisioning.rootDir, `var/lib/hostwright/acme-challenge/${a.domain}`);
    if (existsSync(tokens)) assert.deepEqual(readdirSync(tokens), []);
    // The ACME account key, made on first use, is the agent's alone.
    assert.equal(statSync(join(t.config.dataDir, 'agent/acme-account.key')).mode & 0o777, 0o600);
  });

  test('the renewal job retries what is due under its lease and doubles the backoff; nothing not due is tried', async () => {
    const a = await createAccount(t);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} })).status, 502);
    const job = t.get(CertificateRenewalJob);
    const db = t.get(DataSource);
    // Not due yet (the first backoff): the job leaves it alone.
    await db.query('UPDATE certificates SET next_attempt_at = ? WHERE account_id <> ?', [sqlDatetime(new Date(Date.now() + 3_600_000)), a.id]);
    assert.equal(await job.run(), 0);
    await db.query('UPDATE certificates SET next_attempt_at = ? WHERE account_id = ?', [sqlDatetime(new Date(Date.now() - 1000)), a.id]);
    assert.equal(await job.run(), 1);
    const c = (await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).body.data;
    assert.equal(c.status, 'failed');
    assert.equal(c.failures, 2);
    assert.match(c.last_error, /^ACME: /);
    assert.ok(Math.abs(secondsFromNow(c.next_attempt_at) - 2 * RETRY_BASE) < 5, c.next_attempt_at);
    // Another holder has the lease: this instance does not run the job.
    await db.query("INSERT INTO scheduler_leases (name, holder, expires_at) VALUES ('certificates.renewal', 'someone-else', ?)", [
      sqlDatetime(new Date(Date.now() + 600_000)),
    ]);
    try {
      assert.equal(await job.run(), null);
    } finally {
      await db.query("DELETE FROM scheduler_leases WHERE name = 'certificates.renewal'");
    }
  });

  test('create with certificate: true answers the seed shape at once; the failure is recorded after', async () => {
    const body = accountBody({ certificate: true });
    const r = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body.data).sort(), ['created_at', 'domain', 'email', 'id', 'package_id', 'status', 'username']);
    const c = await waitFor(async () => {
      const got = await t.call('GET', `/api/v1/accounts/${r.body.data.id}/certificate`);
      return got.status === 200 && got.body.data.status === 'failed' ? got.body.data : undefined;
    }, 'the issuance after create to fail');
    assert.match(c.last_error, /^ACME: /);
    assert.equal((await t.call('GET', `/api/v1/accounts/${r.body.data.id}`)).body.data.status, 'active');
  });

  test('DELETE …/certificate removes the row and the files; a second is 404; delete of the account takes the row', async () => {
    const a = await createAccount(t);
    await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    const del = await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`);
    assert.equal(del.status, 204, del.text);
    assert.equal((await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).status, 404);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`)).status, 404);
    const b = await createAccount(t);
    await t.call('POST', `/api/v1/accounts/${b.id}/certificate`, { body: {} });
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${b.id}`)).status, 204);
    assert.equal(Number((await t.get(DataSource).query('SELECT COUNT(*) AS n FROM certificates WHERE account_id = ?', [b.id]))[0].n), 0);
  });
});

describe('certificates: the CA is down', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_ACME_DIRECTORY_URL: `https://127.0.0.1:${await freePort()}/dir` } });
  });
  after(() => t?.close());

  test('502 with the reason kept; the vhost untouched', async () => {
    const a = await createAccount(t);
    const before = readFileSync(vhostOf(t, a.domain), 'utf8');
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(r.status, 502);
    const c = (await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).body.data;
    assert.equal(c.status, 'failed');
    assert.match(c.last_error, /unreachable: connect ECONNREFUSED/);
    assert.equal(readFileSync(vhostOf(t, a.domain), 'utf8'), before);
  });
});

describe('certificates: the self-signed fallback, only when the operator sets it', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_ACME_DIRECTORY_URL: `https://127.0.0.1:${await freePort()}/dir`, HW_CERTIFICATE_FALLBACK: 'self-signed' } });
  });
  after(() => t?.close());

  test('ACME fails → a self-signed certificate is installed and says so; the vhost serves 443, also suspended; delete removes every file', async () => {
    const a = await createAccount(t);
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { redirect_http: true } });
    assert.equal(r.status, 200, r.text);
    const c = r.body.data;
    assert.equal(c.status, 'issued');
    assert.equal(c.self_signed, true);
    assert.match(c.last_error, /^ACME: /);
    assert.deepEqual(c.names, [a.domain, `www.${a.domain}`]);
    assert.equal(c.redirect_http, true);
    const live = liveDir(t, a.domain);
    assert.equal(statSync(join(live, 'privkey.pem')).mode & 0o777, 0o600);
    const leaf = new X509Certificate(readFileSync(join(live, 'cert.pem')));
    assert.equal(leaf.serialNumber.toLowerCase(), c.serial);
    assert.equal(new Date(leaf.validTo).toISOString().slice(0, 19), c.not_after.slice(0, 19));
    const vhost = readFileSync(vhostOf(t, a.domain), 'utf8');
    assert.match(vhost, /listen 443 ssl;/);
    assert.ok(vhost.includes(`ssl_certificate ${t.config.provisioning.rootDir}/etc/letsencrypt/live/${a.domain}/fullchain.pem;`));
    assert.match(vhost, /return 301 https:\/\/\$host\$request_uri;/);

    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/suspend`, { body: {} })).status, 200);
    const suspended = readFileSync(vhostOf(t, a.domain), 'utf8');
    assert.match(suspended, /\(suspended\)/);
    assert.match(suspended, /listen 443 ssl;/);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/unsuspend`, { body: {} })).status, 200);
    assert.equal(readFileSync(vhostOf(t, a.domain), 'utf8'), vhost);

    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}`)).status, 204);
    const root = t.config.provisioning.rootDir;
    for (const path of [`etc/letsencrypt/live/${a.domain}`, `etc/letsencrypt/renewal/${a.domain}.conf`, `var/lib/hostwright/acme-challenge/${a.domain}`]) {
      assert.equal(existsSync(join(root, path)), false, path);
    }
  });

  test('an account whose vhost predates certificates gets the challenge path rendered in before the CA is asked', async () => {
    const a = await createAccount(t);
    const path = vhostOf(t, a.domain);
    const legacy = readFileSync(path, 'utf8').replace(/ {4}# ACME HTTP-01 tokens[^\n]*\n {4}location \^~[^}]*}\n\n/, '');
    assert.doesNotMatch(legacy, /acme-challenge/);
    writeFileSync(path, legacy);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} })).status, 200);
    assert.match(readFileSync(path, 'utf8'), /location \^~ \/\.well-known\/acme-challenge\/ \{/);
  });

  test('an installed certificate not due is answered unchanged; a new redirect_http or force issues again', async () => {
    const a = await createAccount(t);
    const first = (await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} })).body.data;
    await t.get(DataSource).query('UPDATE certificates SET next_attempt_at = ? WHERE account_id = ?', [sqlDatetime(new Date(Date.now() + 86_400_000)), a.id]);
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { redirect_http: false } })).body.data.serial, first.serial);
    const redirected = (await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { redirect_http: true } })).body.data;
    assert.notEqual(redirected.serial, first.serial);
    assert.equal(redirected.redirect_http, true);
    await t.get(DataSource).query('UPDATE certificates SET next_attempt_at = ? WHERE account_id = ?', [sqlDatetime(new Date(Date.now() + 86_400_000)), a.id]);
    const forced = (await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: { force: true } })).body.data;
    assert.notEqual(forced.serial, redirected.serial);
    assert.equal(forced.redirect_http, true);
  });

  test('DELETE …/certificate puts the plain-HTTP vhost back (the bytes of create)', async () => {
    const a = await createAccount(t);
    const plain = readFileSync(vhostOf(t, a.domain), 'utf8');
    assert.equal((await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} })).status, 200);
    assert.notEqual(readFileSync(vhostOf(t, a.domain), 'utf8'), plain);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${a.id}/certificate`)).status, 204);
    assert.equal(readFileSync(vhostOf(t, a.domain), 'utf8'), plain);
    assert.equal(existsSync(liveDir(t, a.domain)), false);
  });
});

describe('certificates: nginx -t refuses the vhost with the certificate', () => {
  let t: TestApp;
  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tls-refuse-'));
    // A stand-in for `nginx -t` that fails on any vhost with a TLS side: the issuance must put every file back.
    const sites = join(dataDir, 'root/etc/nginx/sites-available');
    t = await startTestApp({
      dataDir,
      env: {
        HW_ACME_DIRECTORY_URL: `https://127.0.0.1:${await freePort()}/dir`,
        HW_CERTIFICATE_FALLBACK: 'self-signed',
        HW_NGINX_TEST_CMD: JSON.stringify(['sh', '-c', `! grep -rqs ' ssl;' '${sites}'`]),
        HW_RELOAD_WAIT: 'false',
      },
    });
  });
  after(() => t?.close());

  test('502, the vhost byte for byte as before, no key or chain left, the reason kept', async () => {
    const a = await createAccount(t);
    const before = readFileSync(vhostOf(t, a.domain), 'utf8');
    const r = await t.call('POST', `/api/v1/accounts/${a.id}/certificate`, { body: {} });
    assert.equal(r.status, 502, r.text);
    assert.equal(readFileSync(vhostOf(t, a.domain), 'utf8'), before);
    assert.equal(existsSync(liveDir(t, a.domain)), false);
    assert.equal(existsSync(join(t.config.provisioning.rootDir, `etc/letsencrypt/renewal/${a.domain}.conf`)), false);
    const c = (await t.call('GET', `/api/v1/accounts/${a.id}/certificate`)).body.data;
    assert.equal(c.status, 'failed');
    assert.match(c.last_error, /nginx did not take the new vhost, everything was put back: .*configuration test/);
  });
});
