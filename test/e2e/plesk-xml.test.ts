import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { at, all, agent, expectError, expectOk, expectSystemError, packet, text } from '../support/plesk-xml';
import { withInvalidLicence } from '../support/plesk';
import { startTestApp, TestApp } from '../support/test-app';

const customerAdd = (login: string, extra = '') =>
  `<!-- Copyright --><customer><add><gen_info><cname>Roe &amp; Co</cname><pname>Jane Roe</pname><login>${login}</login><passwd>S3cure-pass&lt;1&gt;</passwd><status>0</status><phone>+1 555</phone><email>${login}@example.net</email><address>1 Main St</address><city>Town</city><state>ST</state><pcode>12345</pcode><country>US</country>${extra}</gen_info></add></customer>`;

const webspaceAdd = (domain: string, ownerId: number, ftp: string, plan = '<plan-name>default</plan-name>') =>
  `<webspace><add><gen_setup><name>${domain}</name><owner-id>${ownerId}</owner-id><htype>vrt_hst</htype><status>0</status><ip_address>192.0.2.10</ip_address></gen_setup>` +
  `<hosting><vrt_hst><property><name>ftp_login</name><value>${ftp}</value></property><property><name>ftp_password</name><value>Ftp-pass-0123</value></property><ip_address>192.0.2.10</ip_address></vrt_hst></hosting>` +
  `<prefs><www>true</www></prefs>${plan}</add></webspace>`;

describe('Plesk XML API (/enterprise/control/agent.php)', () => {
  let t: TestApp;
  let token: string;
  const native = async (url: string) => {
    const r = await t.call('GET', url);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  /** One row of the native API (its `data`). */
  const row = async (url: string) => (await native(url)).data;

  before(async () => {
    t = await startTestApp();
    token = await t.createToken(['clients:write', 'accounts:write', 'packages:read'], 'whmcs');
  });
  after(() => t.close());

  test('server get_protos in a 1.0.0.0 packet lists the 1.6 versions; server get answers gen_info, stat and prefs', async () => {
    const { root } = await agent(t, token, packet('<server><get_protos/></server>', '1.0.0.0'));
    const result = at(root, 'server/get_protos/result');
    expectOk(result);
    const protos = all(at(result, 'protos'), 'proto').map((p) => p.text);
    assert.ok(protos.includes('1.6.3.0') && protos.includes('1.6.6.0'), protos.join());
    const get = await agent(t, token, packet('<server><get><gen_info/><stat/><prefs/></get></server>', '1.6.6.0'));
    expectOk(at(get.root, 'server/get/result'));
    assert.ok(text(get.root, 'server/get/result/gen_info/server_name'));
    assert.ok(at(get.root, 'server/get/result/stat/objects'));
    assert.ok(at(get.root, 'server/get/result/prefs'));
    assert.equal(get.root.attrs.version, '1.6.6.0');
  });

  test('HTTP_PRETTY_PRINT indents the answer; KEY authenticates too', async () => {
    const pretty = await agent(t, token, packet('<server><get_protos/></server>'), { KEY: token, HTTP_PRETTY_PRINT: 'TRUE' });
    assert.match(pretty.call.text, /\n {4}<get_protos>/);
    const flat = await agent(t, token, packet('<server><get_protos/></server>'), { KEY: token });
    assert.doesNotMatch(flat.call.text, /\n </);
  });

  test('authentication: a wrong password, a non-admin login, no credentials → system 1001', async () => {
    for (const headers of [
      { HTTP_AUTH_LOGIN: 'admin', HTTP_AUTH_PASSWD: 'hw_wrong' },
      { HTTP_AUTH_LOGIN: 'jane', HTTP_AUTH_PASSWD: token },
      { KEY: 'nope' },
      {} as Record<string, string>,
    ]) {
      const { root } = await agent(t, token, packet(customerAdd('nobody')), headers);
      expectSystemError(root, 1001);
    }
    const clients = await native('/api/v1/clients?login=nobody');
    assert.equal(clients.data.length, 0);
  });

  test('the WHMCS create flow: customer get (1013), customer add, webspace add; the native API sees the client and its account', async () => {
    const lookup = await agent(t, token, packet('<customer><get><filter><login>janeroe</login></filter><dataset><gen_info/></dataset></get></customer>'));
    expectError(at(lookup.root, 'customer/get/result'), 1013);

    const added = await agent(t, token, packet(customerAdd('janeroe', '<external-id>whmcs:7</external-id>'), '1.6.6.0'));
    const result = at(added.root, 'customer/add/result');
    expectOk(result);
    const id = Number(text(result, 'id'));
    const guid = text(result, 'guid');
    const client = await row(`/api/v1/clients/${id}`);
    assert.equal(client.login, 'janeroe');
    assert.equal(client.name, 'Jane Roe');
    assert.equal(client.company, 'Roe & Co');
    assert.equal(client.external_id, 'whmcs:7');
    assert.equal(client.status, 'active');

    const dup = await agent(t, token, packet(customerAdd('JaneRoe')));
    expectError(at(dup.root, 'customer/add/result'), 1007);

    const ws = await agent(t, token, packet(webspaceAdd('jane-example.org', id, 'janeftp')));
    const wsResult = at(ws.root, 'webspace/add/result');
    expectOk(wsResult);
    const accountId = Number(text(wsResult, 'id'));
    const account = await row(`/api/v1/accounts/${accountId}`);
    assert.equal(account.domain, 'jane-example.org');
    assert.equal(account.username, 'janeftp');
    assert.equal(account.client_id, id);
    assert.equal(account.status, 'active');

    // by guid and by external id, with gen_info and stat
    const got = await agent(
      t,
      token,
      packet(`<customer><get><filter><guid>${guid}</guid><external-id>whmcs:7</external-id></filter><dataset><gen_info/><stat/></dataset></get></customer>`),
    );
    const results = all(at(got.root, 'customer/get'), 'result');
    assert.equal(results.length, 2);
    for (const r of results) {
      expectOk(r);
      assert.equal(text(r, 'id'), String(id));
      assert.equal(text(r, 'data/gen_info/login'), 'janeroe');
      assert.equal(text(r, 'data/gen_info/status'), '0');
      assert.equal(text(r, 'data/stat/active_domains'), '1');
    }
    const list = await agent(t, token, packet(`<customer><get-domain-list><filter><id>${id}</id></filter></get-domain-list></customer>`));
    assert.equal(text(list.root, 'customer/get-domain-list/result/data/domain/name'), 'jane-example.org');
  });

  test('several operations in one packet are answered in order; a failing one does not stop the next', async () => {
    const { root } = await agent(
      t,
      token,
      packet(`${customerAdd('multi1')}<customer><get><filter><login>missing-one</login></filter><dataset><gen_info/></dataset></get></customer>${customerAdd('multi2')}`),
    );
    assert.deepEqual(
      root.children.map((c) => c.name),
      ['customer', 'customer', 'customer'],
    );
    expectOk(at(root.children[0], 'add/result'));
    expectError(at(root.children[1], 'get/result'), 1013);
    expectOk(at(root.children[2], 'add/result'));
    assert.equal((await native('/api/v1/clients?login=multi2')).data.length, 1);
  });

  test('webspace get, set (suspend 16/32 with the reason kept, unsuspend), switch-subscription, del; service-plan get; ip get', async () => {
    const c = await agent(t, token, packet(customerAdd('wsowner')));
    const ownerId = Number(text(c.root, 'customer/add/result/id'));
    const ws = await agent(t, token, packet(webspaceAdd('ws-example.org', ownerId, 'wsftp')));
    const accountId = Number(text(ws.root, 'webspace/add/result/id'));

    const plans = await agent(t, token, packet('<service-plan><get><filter/></get></service-plan>'));
    const planResults = all(at(plans.root, 'service-plan/get'), 'result');
    assert.ok(planResults.length >= 1);
    const defaultPlan = planResults.find((r) => text(r, 'name') === 'default')!;
    assert.match(text(defaultPlan, 'guid'), /^[0-9a-f-]{36}$/);

    const pkg = await t.call('POST', '/api/v1/packages', {
      body: { name: 'bigger', disk_quota_mb: 2048, bandwidth_mb: 4096, max_domains: 2, max_databases: 2, max_email_accounts: 2, php_version: '8.3' },
    });
    assert.equal(pkg.status, 201, pkg.text);
    const byName = await agent(t, token, packet('<service-plan><get><filter><name>bigger</name></filter></get></service-plan>'));
    const biggerGuid = text(byName.root, 'service-plan/get/result/guid');
    const byGuid = await agent(t, token, packet(`<service-plan><get><filter><guid>${biggerGuid}</guid></filter></get></service-plan>`));
    assert.equal(text(byGuid.root, 'service-plan/get/result/name'), 'bigger');

    const suspend = await agent(
      t,
      token,
      packet('<webspace><set><filter><name>ws-example.org</name></filter><values><gen_setup><status>32</status></gen_setup></values></set></webspace>'),
    );
    expectOk(at(suspend.root, 'webspace/set/result'));
    let account = await row(`/api/v1/accounts/${accountId}`);
    assert.equal(account.status, 'suspended');
    const get = await agent(
      t,
      token,
      packet(`<webspace><get><filter><id>${accountId}</id></filter><dataset><gen_info/><hosting/><limits/><stat/></dataset></get></webspace>`),
    );
    const r = at(get.root, 'webspace/get/result');
    expectOk(r);
    assert.equal(text(r, 'data/gen_info/status'), '32');
    assert.equal(text(r, 'data/gen_info/owner-id'), String(ownerId));
    assert.equal(text(r, 'data/gen_info/real_size'), '0');
    assert.equal(text(r, 'data/stat/traffic'), '0');
    assert.ok(all(at(r, 'data/limits'), 'limit').some((l) => l.children[0].text === 'disk_space'));

    // repeating a status is a success; 0 unsuspends
    const again = await agent(
      t,
      token,
      packet('<webspace><set><filter><name>ws-example.org</name></filter><values><gen_setup><status>16</status></gen_setup></values></set></webspace>'),
    );
    expectOk(at(again.root, 'webspace/set/result'));
    const resume = await agent(
      t,
      token,
      packet(
        '<webspace><set><filter><name>ws-example.org</name></filter><values><gen_setup><status>0</status></gen_setup><hosting><vrt_hst><property><name>ftp_password</name><value>New-ftp-pass-1</value></property></vrt_hst></hosting></values></set></webspace>',
      ),
    );
    expectOk(at(resume.root, 'webspace/set/result'));
    account = await row(`/api/v1/accounts/${accountId}`);
    assert.equal(account.status, 'active');

    const sw = await agent(
      t,
      token,
      packet(`<webspace><switch-subscription><filter><name>ws-example.org</name></filter><plan-guid>${biggerGuid}</plan-guid></switch-subscription></webspace>`),
    );
    expectOk(at(sw.root, 'webspace/switch-subscription/result'));
    assert.equal((await row(`/api/v1/accounts/${accountId}`)).package_id, pkg.body.data.id);

    const ip = await agent(t, token, packet('<ip><get/></ip>'));
    assert.equal(text(ip.root, 'ip/get/result/addresses/ip_info/ip_address'), t.config.provisioning.serverIp);

    const del = await agent(t, token, packet('<webspace><del><filter><name>ws-example.org</name></filter></del></webspace>'));
    expectOk(at(del.root, 'webspace/del/result'));
    assert.equal((await t.call('GET', `/api/v1/accounts/${accountId}`)).status, 404);
    const gone = await agent(t, token, packet('<webspace><del><filter><name>ws-example.org</name></filter></del></webspace>'));
    expectError(at(gone.root, 'webspace/del/result'), 1013);
  });

  test('customer set (password, contacts, status 16 then 0) and del with its subscriptions', async () => {
    const c = await agent(t, token, packet(customerAdd('setme')));
    const id = Number(text(c.root, 'customer/add/result/id'));
    const ws = await agent(t, token, packet(webspaceAdd('setme-example.org', id, 'setmeftp')));
    const accountId = Number(text(ws.root, 'webspace/add/result/id'));

    const set = await agent(
      t,
      token,
      packet(
        '<customer><set><filter><login>setme</login></filter><values><gen_info><passwd>Another-pass-1</passwd><email>new@example.net</email><status>16</status><description>moved</description></gen_info></values></set></customer>',
      ),
    );
    expectOk(at(set.root, 'customer/set/result'));
    const client = await row(`/api/v1/clients/${id}`);
    assert.equal(client.email, 'new@example.net');
    assert.equal(client.status, 'suspended');
    assert.equal((await row(`/api/v1/accounts/${accountId}`)).status, 'suspended');
    const bad = await agent(
      t,
      token,
      packet('<customer><set><filter><login>setme</login></filter><values><gen_info><status>32</status></gen_info></values></set></customer>'),
    );
    expectError(at(bad.root, 'customer/set/result'), 1023);
    const back = await agent(
      t,
      token,
      packet('<customer><set><filter><id>' + id + '</id></filter><values><gen_info><status>0</status></gen_info></values></set></customer>'),
    );
    expectOk(at(back.root, 'customer/set/result'));
    assert.equal((await row(`/api/v1/accounts/${accountId}`)).status, 'active');

    const del = await agent(t, token, packet('<customer><del><filter><login>setme</login></filter></del></customer>'));
    expectOk(at(del.root, 'customer/del/result'));
    assert.equal((await t.call('GET', `/api/v1/clients/${id}`)).status, 404);
    assert.equal((await t.call('GET', `/api/v1/accounts/${accountId}`)).status, 404);
  });

  test('create_session is refused with 1023; an unknown operation refuses the whole packet (1014) and writes nothing', async () => {
    const s = await agent(
      t,
      token,
      packet('<server><create_session><login>admin</login><data><user_ip>MTI3LjAuMC4x</user_ip><source_server/></data></create_session></server>'),
    );
    expectError(at(s.root, 'server/create_session/result'), 1023);
    const { root } = await agent(t, token, packet(`${customerAdd('neverwritten')}<mail><create/></mail>`));
    expectSystemError(root, 1014);
    assert.equal((await native('/api/v1/clients?login=neverwritten')).data.length, 0);
  });

  test('a token without the scope gets 1006 for that operation only', async () => {
    const reader = await t.createToken(['clients:read'], 'reader');
    const { root } = await agent(t, reader, packet(`${customerAdd('noscope')}<customer><get><filter/><dataset><gen_info/></dataset></get></customer>`));
    expectError(at(root.children[0], 'add/result'), 1006);
    expectOk(at(root.children[1], 'get/result'));
  });

  test('without a valid licence reads still answer and each write gets 1023; REST v2 sees the XML client', async () => {
    await withInvalidLicence(t, async () => {
      const { root } = await agent(t, token, packet(`<server><get_protos/></server>${customerAdd('nolicence')}`));
      expectOk(at(root, 'server/get_protos/result'));
      expectError(at(root, 'customer/add/result'), 1023);
    });
    assert.equal((await native('/api/v1/clients?login=nolicence')).data.length, 0);
    const added = await agent(t, token, packet(customerAdd('bothways', '<description>from WHMCS</description>')));
    const id = text(added.root, 'customer/add/result/id');
    const rest = await t.call('GET', `/api/v2/clients/${id}`);
    assert.equal(rest.status, 200, rest.text);
    assert.equal(rest.body.login, 'bothways');
    assert.equal(rest.body.description, 'from WHMCS');
    assert.equal(rest.body.guid, text(added.root, 'customer/add/result/guid'));
  });

  test('a protocol version newer than the server → system 1005', async () => {
    const { root } = await agent(t, token, packet('<server><get_protos/></server>', '1.9.0.0'));
    expectSystemError(root, 1005);
  });
});

describe('Plesk XML API: hostile XML gets 1014 and writes nothing', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await startTestApp();
    token = await t.createToken(['*'], 'whmcs');
  });
  after(() => t.close());

  const add = (login: string) =>
    `<customer><add><gen_info><pname>Evil</pname><login>${login}</login><passwd>S3cure-pass-1</passwd><email>${login}@example.net</email></gen_info></add></customer>`;
  const hostile: [string, string][] = [
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><packet version="1.6.3.0"><customer><add><gen_info><pname>&lol3;</pname><login>evil1</login><passwd>S3cure-pass-1</passwd><email>e@example.net</email></gen_info></add></customer></packet>`,
    ],
    [
      'external entity',
      `<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><packet version="1.6.3.0"><customer><add><gen_info><pname>&xxe;</pname><login>evil2</login><passwd>S3cure-pass-1</passwd><email>e@example.net</email></gen_info></add></customer></packet>`,
    ],
    ['lowercase doctype', `<!doctype packet><packet version="1.6.3.0">${add('evil3')}</packet>`],
    ['an undeclared entity', packet(add('evil4').replace('Evil', '&xxe;'))],
    ['2000-deep nesting', packet(add('evil5').replace('</add>', `${'<x>'.repeat(2000)}${'</x>'.repeat(2000)}</add>`))],
    ['malformed', packet(add('evil6')).replace('</customer>', '')],
    ['not a packet', `<customer>${add('evil7')}</customer>`],
    ['no body', ''],
  ];
  for (const [name, body] of hostile) {
    test(name, async () => {
      const { root } = await agent(t, token, body);
      expectSystemError(root, 1014);
    });
  }

  test('a 2 MB packet', async () => {
    const { root } = await agent(t, token, packet(add('evil8').replace('Evil', 'E'.repeat(2 * 1024 * 1024))));
    expectSystemError(root, 1014);
  });

  test('a form body or JSON on the XML route; text/xml on a JSON route is refused', async () => {
    const form = await t.call('POST', '/enterprise/control/agent.php', {
      token: null,
      rawBody: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded', KEY: token },
    });
    assert.equal(form.status, 200);
    assert.match(form.text, /<errcode>1014<\/errcode>/);
    const json = await t.call('POST', '/api/v1/clients', { rawBody: packet(add('evil9')), headers: { 'content-type': 'text/xml' } });
    assert.equal(json.status, 415, json.text);
  });

  test('nothing was written', async () => {
    const r = await t.call('GET', '/api/v1/clients');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.filter((c: { login: string }) => c.login.startsWith('evil')),
      [],
    );
  });
});
