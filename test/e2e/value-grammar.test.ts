import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { assertSafeTarget, UnsafeValueError } from '../../src/agent-protocol/safe-values';
import { accountBody, countRows, createAccount } from '../support/accounts';
import { basic } from '../support/plesk';
import { CallResult, startTestApp, TestApp } from '../support/test-app';

/**
 * Issues 14 and 15 through every dialect: one value grammar (what the API accepts is what the
 * agent's wall accepts), usernames that are system identities, another account's hostnames,
 * and inputs that are refused instead of rewritten. Each hostile input is counted; every one
 * must be refused.
 */
describe('one value grammar, every dialect', () => {
  let t: TestApp;
  let resellerKey: string;
  let restAuth: string;
  let clientGuid: string;
  const tally = { tried: 0, refused: 0 };

  const fieldsOf = (r: CallResult): string[] => (r.body?.details ?? []).map((d: { field: string }) => d.field).sort();
  /** One hostile input: it must be refused with `status` naming exactly `fields` (native details or reseller errors). */
  const refused = (r: CallResult, status: number, fields: string[] | null, what: unknown) => {
    tally.tried++;
    assert.equal(r.status, status, `${JSON.stringify(what)}: ${r.text}`);
    if (fields) {
      const named = r.body?.details ? fieldsOf(r) : Object.keys(r.body?.errors ?? {}).sort();
      assert.deepEqual(named, [...fields].sort(), `${JSON.stringify(what)}: ${r.text}`);
    }
    tally.refused++;
  };
  const reseller = (method: string, url: string, body?: unknown) => t.call(method, url, { token: null, body, headers: { 'x-api-key': resellerKey } });
  const rest = (method: string, url: string, body?: unknown) => t.call(method, url, { token: null, body, headers: { authorization: restAuth } });
  let n = 0;
  const fresh = (tag: string) => `${tag}${process.pid.toString(36)}${++n}`;
  /** A domain refused on create by the native API (422), the Plesk reseller (422) and REST v2 (400); the REST answer, for its message. */
  const domainRefusedInEveryDialect = async (domain: string): Promise<CallResult> => {
    refused(await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain }) }), 422, ['domain'], domain);
    refused(
      await reseller('POST', '/API/orders/create_order_plesk', {
        plan_id: 1,
        client_id: clientGuid,
        domain_name: domain,
        ftp_login: fresh('ftp'),
        ftp_password: 'ftp-password-1',
      }),
      422,
      ['domain_name'],
      domain,
    );
    const r = await rest('POST', '/api/v2/domains', {
      name: domain,
      hosting_type: 'virtual',
      hosting_settings: { ftp_login: fresh('rest'), ftp_password: 'ftp-password-1' },
      plan: { name: 'default' },
    });
    refused(r, 400, null, domain);
    return r;
  };

  before(async () => {
    t = await startTestApp();
    resellerKey = await t.createToken(['clients:write', 'accounts:write'], 'reseller');
    restAuth = basic(await t.createToken(['clients:write', 'accounts:write'], 'rest'));
    const client = await reseller('POST', '/API/plesk/clients/create', { name: 'Grammar Co', login: 'grammarco', email: 'g@example.com', password: 'grammar-pass-1' });
    assert.equal(client.status, 200, client.text);
    clientGuid = client.body.data.id;
  });
  after(async () => {
    await t.close();
    // Printed for the record: every hostile input tried here is refused.
    process.stdout.write(`# value grammar: ${tally.refused} of ${tally.tried} hostile inputs refused\n`);
    assert.equal(tally.refused, tally.tried);
  });

  test('issue 14: PATCH email "a&b@example.com" (the wall refuses it) is refused with 422 naming email; so is every other address the wall would refuse', async () => {
    const account = await createAccount(t);
    for (const email of [
      'a&b@example.com',
      "o'brien@example.com",
      'a|b@example.com',
      'a$b@example.com',
      'a{b}@example.com',
      '-a@example.com',
      'a..b@example.com',
      '.a@example.com',
      'a.@example.com',
      'a b@example.com',
      'a@b@example.com',
      'a@exa_mple.com',
      'a@bücher.de',
      'a@xn--pple-43d.com',
      'a@example.com\n',
      `${'a'.repeat(65)}@example.com`,
    ]) {
      refused(await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { email } }), 422, ['email'], email);
      refused(await t.call('POST', '/api/v1/accounts', { body: accountBody({ email }) }), 422, ['email'], email);
    }
    const [row] = await t.get(DataSource).query('SELECT email FROM accounts WHERE id = ?', [account.id]);
    assert.match(row.email, /@example\.net$/, 'the stored email is unchanged');
    // What is accepted keeps working through the lifecycle: suspend, unsuspend, delete.
    assert.equal((await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { email: 'Billing+Tag@Example.NET' } })).status, 200);
    assert.equal((await t.call('POST', `/api/v1/accounts/${account.id}/suspend`)).status, 200);
    assert.equal((await t.call('POST', `/api/v1/accounts/${account.id}/unsuspend`)).status, 200);
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${account.id}`)).status, 204);
  });

  test('issue 14: what the API stores is exactly what the agent accepts — PATCH and create agree with the wall on every candidate', async () => {
    const wallAccepts = (target: { username: string; domain: string; email: string }) => {
      try {
        assertSafeTarget({ ...target, php_version: '8.2' });
        return true;
      } catch (error) {
        if (!(error instanceof UnsafeValueError)) throw error;
        return false;
      }
    };
    const account = await createAccount(t);
    const emails = [
      'ok@example.com',
      'A.B+c@Example.ORG',
      'x_y=z@sub.example.co.uk',
      'a&b@example.com',
      'a#b!c%d@example.com',
      'x@y',
      'a@localhost',
      "it's@example.com",
      'a@[127.0.0.1]',
      '"quoted"@example.com',
      'a@example.com.',
      'ünï@example.com',
    ];
    for (const email of emails) {
      const r = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { email } });
      assert.ok(r.status === 200 || r.status === 422, r.text);
      assert.equal(r.status === 200, wallAccepts({ username: account.username, domain: account.domain, email }), `PATCH email ${JSON.stringify(email)}: ${r.status}`);
    }
    const candidates: Record<string, unknown>[] = [
      {},
      { domain: 'ünicode.de' },
      { domain: 'xn--bcher-kva.de' },
      { domain: '日本語.jp' },
      { domain: 'ελληνικά.gr' },
      { domain: 'аpple.com' },
      { domain: 'xn--pple-43d.com' },
      { domain: 'EXAMPLE.com' },
      { domain: 'example.com.' },
      { username: 'none' },
      { username: 'yes' },
      { username: 'mailerdaemon' },
      { domain: 'ab--c.example' },
      { domain: 'xn--example-.com' },
      { domain: 'a\u200bb.example' },
    ];
    for (const overrides of candidates) {
      const body = accountBody(overrides);
      const api = await t.call('POST', '/api/v1/accounts', { body });
      assert.ok(api.status === 201 || api.status === 422, api.text);
      const domain = api.status === 201 ? api.body.data.domain : String(body.domain);
      assert.equal(
        api.status === 201,
        wallAccepts({ username: String(body.username), domain, email: String(body.email) }),
        `${JSON.stringify(overrides)}: API ${api.status}`,
      );
    }
  });

  test('issue 14: usernames that are system identities → 422 on username, in every dialect', async () => {
    // The documented reserved list: PHP INI constants (none → empty user, yes → uid 1), system and service users, mail roles.
    const reserved = [
      'none',
      'yes',
      'true',
      'false',
      'null',
      'off',
      'nobody',
      'daemon',
      'nginx',
      'mysql',
      'postfix',
      'dovecot',
      'vmail',
      'admin',
      'root',
      'postmaster',
      'abuse',
      'mailerdaemon',
      'hostmaster',
      'wwwdata',
      'systemdfoo',
    ];
    // And whatever this very host has in /etc/passwd and /etc/group, read at check time: a user and a group made now.
    const hostUser = fresh('hwsys');
    const hostGroup = fresh('hwgrp');
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', hostUser]);
    execFileSync('groupadd', ['--system', hostGroup]);
    try {
      for (const username of [...reserved, hostUser, hostGroup]) {
        refused(await t.call('POST', '/api/v1/accounts', { body: accountBody({ username }) }), 422, ['username'], username);
        const domain = `${fresh('order')}.example.org`;
        refused(
          await reseller('POST', '/API/orders/create_order_plesk', {
            plan_id: 1,
            client_id: clientGuid,
            domain_name: domain,
            ftp_login: username,
            ftp_password: 'ftp-password-1',
          }),
          422,
          ['ftp_login'],
          username,
        );
        const r = await rest('POST', '/api/v2/domains', {
          name: `${fresh('rest')}.example.org`,
          hosting_type: 'virtual',
          hosting_settings: { ftp_login: username, ftp_password: 'ftp-password-1' },
          plan: { name: 'default' },
        });
        refused(r, 400, null, username);
        assert.match(r.body.message, /username/);
      }
      const taken = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: hostUser }) });
      assert.match(taken.body.details[0].message, /system user/);
      const group = await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: hostGroup }) });
      assert.match(group.body.details[0].message, /system group/);
    } finally {
      execFileSync('userdel', [hostUser]);
      execFileSync('groupdel', [hostGroup]);
    }
    // Once gone from the host, the name is free again: read at check time, not cached.
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: accountBody({ username: hostUser }) })).status, 201);
    assert.equal(await countRows(t, 'accounts', 'username IN (?, ?)', ['none', 'yes']), 0);
  });

  test("issue 14: another account's hostnames (equal, www., mail., other children, parents) → 409 on domain, in every dialect", async () => {
    const a = await createAccount(t, { domain: `${fresh('shop')}.example.com` });
    const parent = a.domain.slice(a.domain.indexOf('.') + 1);
    const shadows = [a.domain, `www.${a.domain}`, `mail.${a.domain}`, `deep.sub.${a.domain}`, parent];
    // A is under example.com, so example.com itself is a parent too; a sibling is not related.
    for (const domain of shadows) {
      const native = await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain }) });
      refused(native, 409, ['domain'], domain);
      assert.equal(native.body.error, 'conflict');
      const dry = await t.call('POST', '/api/v1/accounts?dry_run=true', { body: accountBody({ domain }) });
      refused(dry, 409, ['domain'], domain);
      const order = await reseller('POST', '/API/orders/create_order_plesk', {
        plan_id: 1,
        client_id: clientGuid,
        domain_name: domain,
        ftp_login: fresh('ftp'),
        ftp_password: 'ftp-password-1',
      });
      refused(order, 409, ['domain_name'], domain);
      // Plesk REST answers 400 for every refusal of the data (an existing domain included).
      const restR = await rest('POST', '/api/v2/domains', {
        name: domain,
        hosting_type: 'virtual',
        hosting_settings: { ftp_login: fresh('rest'), ftp_password: 'ftp-password-1' },
        plan: { name: 'default' },
      });
      refused(restR, 400, null, domain);
      assert.match(restR.body.message, /domain/);
    }
    const sibling = a.domain.replace(/^[^.]+/, fresh('sibling'));
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain: sibling }) })).status, 201, "a sibling is not another account's hostname");
    assert.equal((await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain: `x${a.domain}` }) })).status, 201, 'a suffix that is not a parent label');
    assert.equal(await countRows(t, 'accounts', 'domain = ? OR domain LIKE ?', [parent, `%.${a.domain}`]), 0);
  });

  test('issue 14: concurrent creates of a parent and its child — exactly one of each pair wins', async () => {
    for (let round = 0; round < 8; round++) {
      const parent = `${fresh('race')}.example.net`;
      const [p, c] = await Promise.all([
        t.call('POST', '/api/v1/accounts', { body: accountBody({ domain: parent }) }),
        t.call('POST', '/api/v1/accounts', { body: accountBody({ domain: `www.${parent}` }) }),
      ]);
      assert.deepEqual([p.status, c.status].sort(), [201, 409], `${p.text} ${c.text}`);
      assert.equal(await countRows(t, 'accounts', 'domain = ? OR domain = ?', [parent, `www.${parent}`]), 1);
    }
  });

  test('issue 15: homoglyphs — mixed-script labels, as Unicode or as punycode → 422 on the domain, in every dialect', async () => {
    // Cyrillic а (U+0430), Greek ο (U+03BF), Cyrillic е (U+0435) among Latin letters; Arabic-Indic digit among Latin.
    const homoglyphs = [
      'аpple.com',
      'xn--pple-43d.com',
      'gοogle.com',
      'xn--ggle-0nda.com',
      'exаmple.org',
      'paypаl.example',
      'micrоsoft.com',
      'shop1٣.com',
      'bаnk.xn--p1ai',
    ];
    for (const domain of homoglyphs) {
      const r = await domainRefusedInEveryDialect(domain);
      assert.match(r.body.message, /mixes scripts/);
    }
    // One script per label is fine, also Latin with Japanese; and the stored form is punycode.
    for (const [domain, stored] of [
      ['россия.example', 'xn--h1alffa9f.example'],
      ['ひらがなabc.jp', 'xn--abc-o73b4fvb9j.jp'],
    ]) {
      const r = await t.call('POST', '/api/v1/accounts', { body: accountBody({ domain }) });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.data.domain, stored);
    }
  });

  test('issue 15: no silent rewriting — untrimmed, uppercase, fullwidth, U+3002, trailing-dot domains → 422 naming the field, in every dialect', async () => {
    const rewritten = [
      'example.org\r\n',
      'example.org\n',
      'example.org ',
      ' example.org',
      'example.org\t',
      'Example.org',
      'EXAMPLE.ORG',
      'ｅｘａｍｐｌｅ.org',
      'example。org',
      'example.org.',
      'Ünicode.de',
      'exa\u00admple.org',
      'cafe\u0301.fr',
    ];
    for (const domain of rewritten) {
      await domainRefusedInEveryDialect(domain);
    }
    assert.equal(await countRows(t, 'accounts', "domain LIKE 'example.org%'"), 0);
  });

  test('issue 15: plan_id, client_id, subscription references are taken exactly — "1 " is refused, not trimmed', async () => {
    for (const plan_id of ['1 ', ' 1', '1\n', 'default ', ' default', '\tdefault']) {
      refused(
        await reseller('POST', '/API/orders/create_order_plesk', {
          plan_id,
          client_id: clientGuid,
          domain_name: `${fresh('plan')}.example.org`,
          ftp_login: fresh('ftp'),
          ftp_password: 'ftp-password-1',
        }),
        422,
        ['plan_id'],
        plan_id,
      );
    }
    refused(
      await reseller('POST', '/API/orders/create_order_plesk', {
        plan_id: 1,
        client_id: ` ${clientGuid}`,
        domain_name: `${fresh('plan')}.example.org`,
        ftp_login: fresh('ftp'),
        ftp_password: 'ftp-password-1',
      }),
      422,
      ['client_id'],
      'client_id',
    );
    refused(await reseller('GET', '/API/plesk/subscriptions/detail?id=1%20'), 422, ['id'], 'id=1 ');
    refused(
      await rest('POST', '/api/v2/domains', {
        name: `${fresh('plan')}.example.org`,
        hosting_type: 'virtual',
        hosting_settings: { ftp_login: fresh('rest'), ftp_password: 'ftp-password-1' },
        plan: { name: 'default ' },
      }),
      400,
      null,
      'plan.name',
    );
    refused(await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: undefined, package: 'default ' }) }), 422, ['package'], 'package');
    refused(await t.call('POST', '/api/v1/accounts', { body: accountBody({ package_id: undefined, package: 'DEFAULT' }) }), 422, ['package'], 'package DEFAULT');
    const ok = await reseller('POST', '/API/orders/create_order_plesk', {
      plan_id: '1',
      client_id: clientGuid,
      domain_name: `${fresh('plan')}.example.org`,
      ftp_login: fresh('ftp'),
      ftp_password: 'ftp-password-1',
    });
    assert.equal(ok.status, 200, ok.text);
  });

  test('issue 15: passwords with NUL or other control characters, or a lone surrogate → 422 on the password, in every dialect', async () => {
    const passwords = [
      'secret\u0000password',
      '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
      'secret-password\n',
      'secret\u001bpassword',
      'secret\u007fpassword',
      'secret\ud800password',
    ];
    const account = await createAccount(t);
    for (const password of passwords) {
      refused(await t.call('POST', '/api/v1/accounts', { body: accountBody({ password }) }), 422, ['password'], password);
      refused(await t.call('PATCH', `/api/v1/accounts/${account.id}`, { body: { password } }), 422, ['password'], password);
      refused(await t.call('POST', '/api/v1/clients', { body: { name: 'N', login: fresh('login'), email: 'n@example.com', password } }), 422, ['password'], password);
      refused(
        await reseller('POST', '/API/orders/create_order_plesk', {
          plan_id: 1,
          client_id: clientGuid,
          domain_name: `${fresh('pw')}.example.org`,
          ftp_login: fresh('ftp'),
          ftp_password: password,
        }),
        422,
        ['ftp_password'],
        password,
      );
      refused(await reseller('POST', '/API/plesk/clients/create', { name: 'N', login: fresh('login'), email: 'n@example.com', password }), 422, ['password'], password);
      refused(await rest('POST', '/api/v2/clients', { name: 'N', login: fresh('login'), email: 'n@example.com', password }), 400, null, password);
      refused(
        await rest('POST', '/api/v2/domains', {
          name: `${fresh('pw')}.example.org`,
          hosting_type: 'virtual',
          hosting_settings: { ftp_login: fresh('rest'), ftp_password: password },
          plan: { name: 'default' },
        }),
        400,
        null,
        password,
      );
    }
  });

  test('issue 15: free text (client name, company, suspend reason, descriptions) refuses control and bidi characters', async () => {
    const hostile = [
      'Alice\u202eecilA',
      'Evil\u202dCorp',
      'x\u2066y\u2069',
      'rtl\u200fmark',
      'ltr\u200emark',
      'alm\u061cmark',
      'bom\ufeff',
      'line\nbreak',
      'nul\u0000',
      'esc\u001b[31m',
      'c1\u0085',
      'sep\u2028',
    ];
    const account = await createAccount(t);
    const client = await t.call('POST', '/api/v1/clients', { body: { name: 'Fine', login: fresh('login'), email: 'f@example.com', password: 'client-pass-1' } });
    assert.equal(client.status, 201, client.text);
    for (const text of hostile) {
      refused(
        await t.call('POST', '/api/v1/clients', { body: { name: text, login: fresh('login'), email: 'n@example.com', password: 'client-pass-1' } }),
        422,
        ['name'],
        text,
      );
      refused(
        await t.call('POST', '/api/v1/clients', { body: { name: 'N', login: fresh('login'), email: 'n@example.com', password: 'client-pass-1', company: text } }),
        422,
        ['company'],
        text,
      );
      refused(await t.call('PATCH', `/api/v1/clients/${client.body.data.id}`, { body: { name: text } }), 422, ['name'], text);
      refused(await t.call('POST', `/api/v1/accounts/${account.id}/suspend`, { body: { reason: text } }), 422, ['reason'], text);
      refused(
        await reseller('POST', '/API/plesk/clients/create', { name: text, login: fresh('login'), email: 'n@example.com', password: 'client-pass-1' }),
        422,
        ['name'],
        text,
      );
      refused(
        await rest('POST', '/api/v2/clients', { name: 'N', login: fresh('login'), email: 'n@example.com', password: 'client-pass-1', company: text }),
        400,
        null,
        text,
      );
      refused(
        await rest('POST', '/api/v2/clients', { name: 'N', login: fresh('login'), email: 'n@example.com', password: 'client-pass-1', description: text }),
        400,
        null,
        text,
      );
    }
    const [row] = await t.get(DataSource).query('SELECT status FROM accounts WHERE id = ?', [account.id]);
    assert.equal(row.status, 'active', 'no suspend went through');
    // Printable Unicode stays welcome.
    const fine = await t.call('POST', '/api/v1/clients', {
      body: { name: 'Zoë Ångström 李小龍 😀', login: fresh('login'), email: 'z@example.com', password: 'client-pass-1', company: 'Müller & Söhne GmbH' },
    });
    assert.equal(fine.status, 201, fine.text);
    const suspended = await t.call('POST', `/api/v1/accounts/${account.id}/suspend`, { body: { reason: 'Überfällige Rechnung #1234' } });
    assert.equal(suspended.status, 200, suspended.text);
  });
});
