import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../support/accounts';
import { PowerDns, startPowerDns } from '../support/powerdns';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';

// PowerDNS reads the panel's rows through gmysql: the panel runs on MariaDB here, as in stack.test.ts.
process.env.DATABASE_URL ||= 'mariadb://root@127.0.0.1:3306/test';

/** The record API against a real PowerDNS reading the panel's rows: what the API writes, dig answers at once. */
describe('real stack: DNS records through the API, answered by PowerDNS', () => {
  let t: TestApp;
  let dir: string;
  let pdns: PowerDns;

  before(async () => {
    execFileSync(join(REPO_ROOT, 'test/stack/install-deps.sh'), { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'hw-stack-dns-'));
    t = await startTestApp({ env: { HW_SERVER_IP: '192.0.2.80', HW_NAMESERVERS: 'ns1.stack.example.net,ns2.stack.example.net' } });
    pdns = await startPowerDns(t.database.config, dir);
  });
  after(async () => {
    pdns?.stop();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('records created, changed and deleted are answered, then no longer answered; the serial PowerDNS serves rises each time', async () => {
    const a = await createAccount(t);
    const records = `/api/v1/accounts/${a.id}/dns/records`;
    const add = async (body: Record<string, unknown>) => {
      const r = await t.call('POST', records, { body });
      assert.equal(r.status, 201, r.text);
      return r.body.data.id as number;
    };
    assert.equal(pdns.short(`www.${a.domain}`), '192.0.2.80');
    let serial = pdns.serial(a.domain);
    const rose = () => {
      const now = pdns.serial(a.domain);
      assert.ok(now > serial, `served serial ${now} > ${serial}`);
      serial = now;
    };

    const api = await add({ name: 'api', type: 'A', ttl: 60, data: { address: '198.51.100.1' } });
    assert.equal(pdns.short(`api.${a.domain}`), '198.51.100.1');
    rose();
    await add({ name: 'api', type: 'AAAA', data: { address: '2001:db8::1' } });
    assert.equal(pdns.short(`api.${a.domain}`, 'AAAA'), '2001:db8::1');
    await add({ name: 'docs', type: 'CNAME', data: { target: `api.${a.domain}` } });
    assert.equal(pdns.short(`docs.${a.domain}`, 'CNAME'), `api.${a.domain}.`);
    await add({ name: '@', type: 'MX', data: { priority: 20, exchange: 'mx2.example.net' } });
    assert.match(pdns.short(a.domain, 'MX'), /^20 mx2\.example\.net\.$/m);
    await add({ name: '_sip._tcp', type: 'SRV', data: { priority: 10, weight: 5, port: 5060, target: 'sip.example.net' } });
    assert.equal(pdns.short(`_sip._tcp.${a.domain}`, 'SRV'), '10 5 5060 sip.example.net.');
    await add({ name: '@', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } });
    assert.equal(pdns.short(a.domain, 'CAA'), '0 issue "letsencrypt.org"');
    const tricky = 'v=x; q="quoted" \\ back';
    await add({ name: 'tricky', type: 'TXT', data: { text: tricky } });
    assert.equal(pdns.short(`tricky.${a.domain}`, 'TXT'), '"v=x; q=\\"quoted\\" \\\\ back"');
    await add({ name: 'long', type: 'TXT', data: { text: 'a'.repeat(255) + 'b'.repeat(45) } });
    assert.equal(pdns.short(`long.${a.domain}`, 'TXT'), `"${'a'.repeat(255)}" "${'b'.repeat(45)}"`);
    rose();

    assert.equal((await t.call('PATCH', `${records}/${api}`, { body: { data: { address: '198.51.100.2' } } })).status, 200);
    assert.equal(pdns.short(`api.${a.domain}`), '198.51.100.2');
    rose();
    assert.equal((await t.call('DELETE', `${records}/${api}`)).status, 204);
    assert.equal(pdns.short(`api.${a.domain}`), '');
    assert.equal(pdns.short(`api.${a.domain}`, 'AAAA'), '2001:db8::1', 'the other record at the name stays');
    rose();
    const listed = await t.call('GET', records);
    assert.equal(listed.body.data.find((r: { type: string }) => r.type === 'SOA').data.serial, serial, 'the API and PowerDNS agree on the serial');
  });
});
