import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AgentDaemonModule } from '../../src/agent/agent-daemon.module';
import { AgentServer } from '../../src/agent/agent-server';
import { nextSerial } from '../../src/agent/system/dns-records';
import { DNS_PATH } from '../../src/agent-protocol/dns-change';
import { DnsRecordView as RecordView } from '../../src/agent-protocol/dns-change';
import { signatureHeaders } from '../../src/agent-protocol/hmac';
import { createAccount } from '../support/accounts';
import { freePort } from '../support/spawn-server';
import { startTestApp, TestApp } from '../support/test-app';

const today = () => Number(new Date().toISOString().slice(0, 10).replace(/-/g, ''));

/** The CRUD, grammar and zone rules of the record API, against the rows PowerDNS reads. */
function recordSuite(label: string, start: () => Promise<{ t: TestApp; close: () => Promise<void> }>) {
  describe(label, () => {
    let t: TestApp;
    let close: () => Promise<void>;
    before(async () => ({ t, close } = await start()));
    after(() => close());

    const path = (id: number, record?: number) => `/api/v1/accounts/${id}/dns/records${record ? `/${record}` : ''}`;
    const list = async (id: number): Promise<RecordView[]> => {
      const r = await t.call('GET', path(id));
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };
    const serial = async (id: number) => Number((await list(id)).find((r) => r.type === 'SOA')!.data!.serial);
    const rows = (domain: string): Promise<{ name: string; type: string; content: string; ttl: number; prio: number | null }[]> =>
      t
        .get(DataSource)
        .query('SELECT r.name, r.type, r.content, r.ttl, r.prio FROM records r JOIN domains d ON d.id = r.domain_id WHERE d.name = ? ORDER BY r.id', [domain]);
    const add = (id: number, body: Record<string, unknown>) => t.call('POST', path(id), { body });

    test('GET lists the generated zone: SOA and apex NS protected, the rest generated and editable, the serial YYYYMMDDnn', async () => {
      const a = await createAccount(t);
      const records = await list(a.id);
      const soa = records.find((r) => r.type === 'SOA')!;
      assert.equal(soa.protected, true);
      assert.equal(soa.name, '@');
      assert.equal(Math.floor(Number(soa.data!.serial) / 100), today());
      assert.ok(records.filter((r) => r.type === 'NS').every((r) => r.protected && r.name === '@'));
      const www = records.find((r) => r.name === 'www')!;
      assert.deepEqual(
        { ...www, id: 0 },
        { id: 0, name: 'www', fqdn: `www.${a.domain}`, type: 'A', ttl: 3600, data: { address: www.data!.address }, generated: true, protected: false },
      );
      assert.deepEqual(records.find((r) => r.type === 'MX')!.data, { priority: 10, exchange: `mail.${a.domain}` });
      assert.deepEqual(records.find((r) => r.type === 'TXT')!.data, { text: 'v=spf1 a mx ~all' });
      assert.equal((await t.call('GET', path(999999))).status, 404);
    });

    test('every type is created, changed and deleted; PowerDNS rows in its own form; the serial rises with each change', async () => {
      const a = await createAccount(t);
      const bodies: Record<string, unknown>[] = [
        { name: 'app', type: 'A', ttl: 300, data: { address: '192.0.2.10' } },
        { name: 'app', type: 'AAAA', data: { address: '2001:db8::10' } },
        { name: 'blog', type: 'CNAME', data: { target: 'hosting.example.net.' } },
        { name: '@', type: 'MX', data: { priority: 20, exchange: 'mx2.example.net' } },
        { name: `_dmarc.${a.domain}`, type: 'TXT', data: { text: 'v=DMARC1; p=none' } },
        { name: '_sip._tcp', type: 'SRV', data: { priority: 10, weight: 5, port: 5060, target: 'sip.example.net' } },
        { name: '@', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } },
        { name: 'sub', type: 'NS', data: { target: 'ns1.elsewhere.example.net' } },
        { name: `*.${a.domain}.`, type: 'A', data: { address: '192.0.2.11' } },
      ];
      let last = await serial(a.id);
      const made: RecordView[] = [];
      for (const body of bodies) {
        const r = await add(a.id, body);
        assert.equal(r.status, 201, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.body.data.type, body.type);
        assert.equal(r.body.data.generated, false);
        const now = await serial(a.id);
        assert.ok(now > last, `serial ${now} > ${last}`);
        last = now;
        made.push(r.body.data);
      }
      assert.deepEqual(
        made.map((r) => [r.name, r.data]),
        [
          ['app', { address: '192.0.2.10' }],
          ['app', { address: '2001:db8::10' }],
          ['blog', { target: 'hosting.example.net' }],
          ['@', { priority: 20, exchange: 'mx2.example.net' }],
          ['_dmarc', { text: 'v=DMARC1; p=none' }],
          ['_sip._tcp', { priority: 10, weight: 5, port: 5060, target: 'sip.example.net' }],
          ['@', { flags: 0, tag: 'issue', value: 'letsencrypt.org' }],
          ['sub', { target: 'ns1.elsewhere.example.net' }],
          ['*', { address: '192.0.2.11' }],
        ],
      );
      const stored = await rows(a.domain);
      const find = (name: string, type: string) => stored.find((r) => r.name === name && r.type === type)!;
      assert.deepEqual({ ...find(`app.${a.domain}`, 'A') }, { name: `app.${a.domain}`, type: 'A', content: '192.0.2.10', ttl: 300, prio: null });
      assert.equal(find(`blog.${a.domain}`, 'CNAME').content, 'hosting.example.net');
      assert.equal(Number(stored.find((r) => r.type === 'MX' && r.content === 'mx2.example.net')!.prio), 20);
      assert.equal(find(`_dmarc.${a.domain}`, 'TXT').content, '"v=DMARC1; p=none"');
      assert.equal(find(`_sip._tcp.${a.domain}`, 'SRV').content, '5 5060 sip.example.net');
      assert.equal(Number(find(`_sip._tcp.${a.domain}`, 'SRV').prio), 10);
      assert.equal(find(a.domain, 'CAA').content, '0 issue "letsencrypt.org"');
      assert.equal(find(`*.${a.domain}`, 'A').content, '192.0.2.11');
      assert.match(find(a.domain, 'SOA').content, new RegExp(` ${last} `));

      const patched = await t.call('PATCH', path(a.id, made[0].id), { body: { ttl: 600, data: { address: '192.0.2.20' } } });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual([patched.body.data.ttl, patched.body.data.data], [600, { address: '192.0.2.20' }]);
      assert.equal(find(`app.${a.domain}`, 'A').content, '192.0.2.10');
      assert.equal((await rows(a.domain)).find((r) => r.name === `app.${a.domain}` && r.type === 'A')!.content, '192.0.2.20');
      const renamed = await t.call('PATCH', path(a.id, made[5].id), { body: { data: { port: 5061 } } });
      assert.deepEqual(renamed.body.data.data, { priority: 10, weight: 5, port: 5061, target: 'sip.example.net' }, 'a data change keeps the fields not sent');
      assert.ok((await serial(a.id)) > last);
      last = await serial(a.id);

      assert.equal((await t.call('DELETE', path(a.id, made[0].id))).status, 204);
      assert.equal((await rows(a.domain)).filter((r) => r.name === `app.${a.domain}` && r.type === 'A').length, 0);
      assert.ok((await serial(a.id)) > last);
      assert.equal((await t.call('DELETE', path(a.id, made[0].id))).status, 404);
      assert.equal((await t.call('PATCH', path(a.id, made[0].id), { body: { ttl: 60 } })).status, 404);
    });

    test('TXT: quotes, backslashes and semicolons escaped; long text split into 255-byte strings; read back exactly', async () => {
      const a = await createAccount(t);
      const tricky = 'v=DKIM1; k=rsa; p="x\\y" ; "); DROP TABLE records; --';
      const r = await add(a.id, { name: 'sel._domainkey', type: 'TXT', data: { text: tricky } });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.body.data.data, { text: tricky });
      const stored = (await rows(a.domain)).find((x) => x.name === `sel._domainkey.${a.domain}`)!;
      assert.equal(stored.content, '"v=DKIM1; k=rsa; p=\\"x\\\\y\\" ; \\"); DROP TABLE records; --"');
      const long = 'k'.repeat(300) + '"'.repeat(10) + 'z'.repeat(290);
      const big = await add(a.id, { name: 'long', type: 'TXT', data: { text: long } });
      assert.equal(big.status, 201, big.text);
      assert.deepEqual(big.body.data.data, { text: long });
      const content = (await rows(a.domain)).find((x) => x.name === `long.${a.domain}`)!.content;
      const strings = content.match(/"(?:[^"\\]|\\.)*"/g)!;
      assert.equal(strings.length, 3);
      assert.equal(strings.join(' '), content, 'nothing but quoted strings separated by spaces');
      assert.ok(strings.every((s) => s.slice(1, -1).replace(/\\(.)/g, '$1').length <= 255));
      const max = await add(a.id, { name: 'max', type: 'TXT', data: { text: 'm'.repeat(2048) } });
      assert.equal(max.status, 201, max.text);
    });

    test('hostile and malformed records → 422 naming the field; nothing written, the serial unchanged', async () => {
      const a = await createAccount(t);
      const before = await rows(a.domain);
      const hostile: [Record<string, unknown>, string][] = [
        [{ name: 'a;b', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'a\nb', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'a"b', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'a b', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'WWW', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: '', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'evil.example.com.', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'example.net.', type: 'A', data: { address: '192.0.2.1' } }, 'name'],
        [{ name: 'x', type: 'A', data: { address: '192.168.001.1' } }, 'data.address'],
        [{ name: 'x', type: 'A', data: { address: '1.2.3' } }, 'data.address'],
        [{ name: 'x', type: 'A', data: { address: '192.0.2.1\n@ IN A 6.6.6.6' } }, 'data.address'],
        [{ name: 'x', type: 'A', data: { address: '2001:db8::1' } }, 'data.address'],
        [{ name: 'x', type: 'AAAA', data: { address: '2001:DB8::1' } }, 'data.address'],
        [{ name: 'x', type: 'AAAA', data: { address: '2001:db8:0:0:0:0:0:1' } }, 'data.address'],
        [{ name: 'x', type: 'AAAA', data: { address: '192.0.2.1' } }, 'data.address'],
        [{ name: 'x', type: 'CNAME', data: { target: '192.0.2.1' } }, 'data.target'],
        [{ name: 'x', type: 'CNAME', data: { target: 'http://example.net/' } }, 'data.target'],
        [{ name: 'x', type: 'CNAME', data: { target: 'example.net"; DROP' } }, 'data.target'],
        [{ name: 'x', type: 'CNAME', data: { target: 'localhost' } }, 'data.target'],
        [{ name: 'x', type: 'MX', data: { priority: 70000, exchange: 'mx.example.net' } }, 'data.priority'],
        [{ name: 'x', type: 'MX', data: { priority: 10, exchange: '10 mx.example.net' } }, 'data.exchange'],
        [{ name: 'x', type: 'MX', data: { priority: 10, exchange: '192.0.2.1' } }, 'data.exchange'],
        [{ name: 'x', type: 'NS', data: { target: 'ns.example.net\nx IN A 1.2.3.4' } }, 'data.target'],
        [{ name: 'x', type: 'TXT', data: { text: 'line\nx IN A 6.6.6.6' } }, 'data.text'],
        [{ name: 'x', type: 'TXT', data: { text: 'nul\u0000' } }, 'data.text'],
        [{ name: 'x', type: 'TXT', data: { text: 'tab\there' } }, 'data.text'],
        [{ name: 'x', type: 'TXT', data: { text: 'é' } }, 'data.text'],
        [{ name: 'x', type: 'TXT', data: { text: 'o'.repeat(2049) } }, 'data.text'],
        [{ name: 'x', type: 'TXT', data: { text: '' } }, 'data.text'],
        [{ name: 'x', type: 'CAA', data: { flags: 0, tag: 'foo', value: 'letsencrypt.org' } }, 'data.tag'],
        [{ name: 'x', type: 'CAA', data: { flags: 1, tag: 'issue', value: 'letsencrypt.org' } }, 'data.flags'],
        [{ name: 'x', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org" ; x' } }, 'data.value'],
        [{ name: 'x', type: 'CAA', data: { flags: 0, tag: 'iodef', value: 'ftp://example.net' } }, 'data.value'],
        [{ name: 'sip', type: 'SRV', data: { priority: 1, weight: 1, port: 5060, target: 'sip.example.net' } }, 'name'],
        [{ name: '_sip._tcp', type: 'SRV', data: { priority: 1, weight: 1, port: -1, target: 'sip.example.net' } }, 'data.port'],
        [{ name: 'x', type: 'A', ttl: 59, data: { address: '192.0.2.1' } }, 'ttl'],
        [{ name: 'x', type: 'A', ttl: 604801, data: { address: '192.0.2.1' } }, 'ttl'],
        [{ name: 'x', type: 'A', ttl: 1.5, data: { address: '192.0.2.1' } }, 'ttl'],
        [{ name: 'x', type: 'A', ttl: '3600', data: { address: '192.0.2.1' } }, 'ttl'],
        [{ name: '@', type: 'SOA', data: { primary: 'ns.evil.net' } }, 'type'],
        [{ name: 'x', type: 'PTR', data: { target: 'x.example.net' } }, 'type'],
        [{ name: 'x', type: 'A', data: { address: '192.0.2.1', extra: 'x' } }, 'data.extra'],
        [{ name: 'x', type: 'A', data: '192.0.2.1' }, 'data'],
        [{ name: '@', type: 'CNAME', data: { target: 'elsewhere.example.net' } }, 'type'],
        [{ name: '@', type: 'NS', data: { target: 'ns.evil.example.net' } }, 'type'],
      ];
      for (const [body, field] of hostile) {
        const r = await add(a.id, body);
        assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.body.error, 'validation_failed');
        assert.ok(
          r.body.details.some((d: { field: string }) => d.field === field),
          `${JSON.stringify(body)} names ${field}: ${r.text}`,
        );
      }
      assert.deepEqual(await rows(a.domain), before);
    });

    test("a name inside another zone of this server is refused; another account's record is not found", async () => {
      const a = await createAccount(t);
      const b = await createAccount(t);
      const ds = t.get(DataSource);
      await ds.query("INSERT INTO domains (name, type, account) VALUES (?, 'NATIVE', 'someoneelse')", [`shop.${a.domain}`]);
      for (const name of ['shop', `deep.shop.${a.domain}`]) {
        const r = await add(a.id, { name, type: 'A', data: { address: '192.0.2.1' } });
        assert.equal(r.status, 422, r.text);
        assert.match(r.body.details[0].message, /not this account's/);
      }
      const theirs = (await list(b.id)).find((r) => r.name === 'www')!;
      assert.equal((await t.call('PATCH', path(a.id, theirs.id), { body: { ttl: 60 } })).status, 404);
      assert.equal((await t.call('DELETE', path(a.id, theirs.id))).status, 404);
      assert.equal((await list(b.id)).find((r) => r.id === theirs.id)!.ttl, 3600);
    });

    test('CNAME beside other data, data beside a CNAME, the same record twice → 409; nothing written', async () => {
      const a = await createAccount(t);
      const conflicts: Record<string, unknown>[] = [];
      assert.equal((await add(a.id, { name: 'alias', type: 'CNAME', data: { target: 'target.example.net' } })).status, 201);
      conflicts.push(
        { name: 'www', type: 'CNAME', data: { target: 'target.example.net' } },
        { name: 'alias', type: 'A', data: { address: '192.0.2.1' } },
        { name: 'alias', type: 'TXT', data: { text: 'hello' } },
        { name: 'alias', type: 'CNAME', data: { target: 'other.example.net' } },
        { name: 'www', type: 'A', data: { address: (await list(a.id)).find((r) => r.name === 'www')!.data!.address } },
      );
      const before = await rows(a.domain);
      for (const body of conflicts) {
        const r = await add(a.id, body);
        assert.equal(r.status, 409, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.body.error, 'conflict');
      }
      const mail = (await list(a.id)).find((r) => r.name === 'mail')!;
      const moved = await t.call('PATCH', path(a.id, mail.id), { body: { name: 'alias' } });
      assert.equal(moved.status, 409, 'a rename onto a CNAME is a conflict too');
      assert.deepEqual(await rows(a.domain), before);
    });

    test('the apex SOA and NS are protected (409, unchanged); generated records are editable and stay marked; the type cannot change', async () => {
      const a = await createAccount(t);
      const records = await list(a.id);
      const soa = records.find((r) => r.type === 'SOA')!;
      const ns = records.find((r) => r.type === 'NS')!;
      const before = await rows(a.domain);
      for (const [method, id, body] of [
        ['PATCH', soa.id, { data: { serial: 1 } }],
        ['DELETE', soa.id, undefined],
        ['PATCH', ns.id, { data: { target: 'ns.evil.example.net' } }],
        ['DELETE', ns.id, undefined],
      ] as const) {
        const r = await t.call(method, path(a.id, id), body ? { body } : {});
        assert.equal(r.status, 409, `${method} ${id}: ${r.text}`);
        assert.match(r.body.message, /is the server's/);
      }
      assert.deepEqual(await rows(a.domain), before);
      const www = records.find((r) => r.name === 'www')!;
      const changed = await t.call('PATCH', path(a.id, www.id), { body: { data: { address: '198.51.100.7' } } });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.body.data.generated, true);
      const retyped = await t.call('PATCH', path(a.id, www.id), { body: { type: 'AAAA' } });
      assert.equal(retyped.status, 422);
      assert.equal(retyped.body.details[0].field, 'type');
      const bad = await t.call('PATCH', path(a.id, www.id), { body: { data: { address: '198.51.100.07' } } });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.details[0].field, 'data.address');
      assert.equal((await t.call('DELETE', path(a.id, records.find((r) => r.type === 'TXT')!.id))).status, 204, 'a generated record can be deleted');
    });

    test("a package's dns_records_limit: the zone holds that many records besides SOA and apex NS, then 409 saying so", async () => {
      const pkg = await t.call('POST', '/api/v1/packages', {
        body: {
          name: `dns-${Math.random().toString(36).slice(2, 8)}`,
          disk_quota_mb: 1,
          bandwidth_mb: 1,
          max_domains: 1,
          max_databases: 1,
          max_email_accounts: 1,
          dns_records_limit: 6,
          php_version: '8.2',
        },
      });
      assert.equal(pkg.status, 201, pkg.text);
      assert.equal(pkg.body.data.dns_records_limit, 6);
      const a = await createAccount(t, { package_id: pkg.body.data.id });
      assert.equal((await add(a.id, { name: 'one', type: 'A', data: { address: '192.0.2.1' } })).status, 201);
      const r = await add(a.id, { name: 'two', type: 'A', data: { address: '192.0.2.2' } });
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.message, 'The package allows 6 DNS records per account and this zone has 6');
      const defaults = await t.call('GET', '/api/v1/packages/1');
      assert.equal(defaults.body.data.dns_records_limit, 0, 'existing packages: unlimited');
    });

    test('concurrent changes of one zone run one after the other: every one lands and the serial rises once for each', async () => {
      const a = await createAccount(t);
      const start = await serial(a.id);
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => add(a.id, { name: `host${i}`, type: 'A', data: { address: `192.0.2.${i + 1}` } })));
      assert.deepEqual(
        answers.map((r) => r.status),
        Array(8).fill(201),
      );
      assert.equal(await serial(a.id), nextSerial(start) + 7);
    });

    test('the serial follows YYYYMMDDnn: an older date starts today at 01, the same day counts up', () => {
      const now = new Date('2026-12-01T12:00:00Z');
      assert.equal(nextSerial(2026113005, now), 2026120101);
      assert.equal(nextSerial(2026120101, now), 2026120102);
      assert.equal(nextSerial(2026120199, now), 2026120200);
      assert.equal(nextSerial(2027010101, now), 2027010102);
    });
  });
}

recordSuite('DNS records API (in-process agent)', async () => {
  const t = await startTestApp();
  return { t, close: () => t.close() };
});

const SECRET = 'dns-agent-secret-'.padEnd(48, 'x');
recordSuite('DNS records API through the agent daemon (HMAC-signed POST /v1/dns)', async () => {
  const daemonPort = await freePort();
  const t = await startTestApp({ env: { HW_AGENT_URL: `http://127.0.0.1:${daemonPort}`, HW_AGENT_SECRET: SECRET, HW_AGENT_PORT: String(daemonPort) } });
  const agent: INestApplicationContext = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot(t.config), { logger: false });
  await agent.get(AgentServer).listen();
  return {
    t,
    close: async () => {
      await agent.close();
      await t.close();
    },
  };
});

test('the daemon refuses an unsigned or tampered DNS change with 401 and runs a signed one', async () => {
  const port = await freePort();
  const t = await startTestApp({ env: { HW_AGENT_URL: `http://127.0.0.1:${port}`, HW_AGENT_SECRET: SECRET, HW_AGENT_PORT: String(port) } });
  const agent = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot(t.config), { logger: false });
  try {
    await agent.get(AgentServer).listen();
    const a = await createAccount(t);
    const body = JSON.stringify({ op: 'list', zone: { domain: a.domain, username: a.username } });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(`http://127.0.0.1:${port}${DNS_PATH}`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...headers } });
    assert.equal((await post({})).status, 401);
    const signed = signatureHeaders(SECRET, 'POST', DNS_PATH, body);
    assert.equal((await post(signed, body.replace('list', 'delete'))).status, 401);
    const ok = await post(signed);
    assert.equal(ok.status, 200);
    assert.ok(((await ok.json()) as { records: unknown[] }).records.length >= 7);
  } finally {
    await agent.close();
    await t.close();
  }
});
