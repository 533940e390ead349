import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Account } from '../../src/accounts/account.entity';
import { UsageService } from '../../src/usage/usage.service';
import { child } from '../../src/dialects/plesk-xml/xml-codec';
import { agent, all, at, expectError, expectOk, packet, text } from '../support/plesk-xml';
import { startTestApp, TestApp } from '../support/test-app';

/** api-php-lib's packets carry no version attribute: `<?xml …?><packet>…</packet>`. */
const lib = (inner: string) => `<?xml version='1.0' encoding='UTF-8' ?><packet>${inner}</packet>`;
const MIB = 1024 * 1024;
/** Figures the usage service answers here (another branch measures them; the dialect only maps MiB → bytes). */
const USED = { disk: 12.5, traffic: 300 };

/**
 * The packets Plesk's own PHP library (api-php-lib, which FOSSBilling's Plesk manager uses) and
 * the WHMCS Plesk module send in a service's lifecycle, in their shapes and protocol versions,
 * and the fields of the answers they read; after each write, the state the native API shows.
 */
describe('Plesk XML API as api-php-lib, FOSSBilling and WHMCS speak it', () => {
  let t: TestApp;
  let token: string;
  const row = async (url: string) => {
    const r = await t.call('GET', url);
    assert.equal(r.status, 200, r.text);
    return r.body.data;
  };
  const send = (body: string) => agent(t, token, body);

  before(async () => {
    t = await startTestApp({
      override: (b) =>
        b.overrideProvider(UsageService).useValue({
          of: async (account: Account) => ({
            account,
            diskUsedMb: account.domain.startsWith('measured') ? USED.disk : null,
            bandwidthUsedMb: account.domain.startsWith('measured') ? USED.traffic : null,
            diskLimitMb: null,
            bandwidthLimitMb: null,
          }),
          all: async () => [],
        }),
    });
    token = await t.createToken(['*'], 'billing');
    for (const name of ['Basic', 'Pro']) {
      const r = await t.call('POST', '/api/v1/packages', {
        body: { name, disk_quota_mb: 1024, bandwidth_mb: 10240, max_domains: 1, max_databases: 2, max_email_accounts: 5, php_version: '8.2' },
      });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(() => t.close());

  test('server get: every dataset api-php-lib builds a struct from is there; stat has its children in Plesk order', async () => {
    for (const dataset of [
      'gen_info',
      'prefs',
      'admin',
      'key',
      'components',
      'services_state',
      'session_setup',
      'shells',
      'interfaces',
      'site-isolation-config',
      'updates',
    ]) {
      const { root } = await send(lib(`<server><get><${dataset}/></get></server>`));
      expectOk(at(root, 'server/get/result'));
      assert.ok(at(root, `server/get/result/${dataset}`));
    }
    const { root } = await send(lib('<server><get><stat/></get></server>'));
    const stat = at(root, 'server/get/result/stat');
    assert.deepEqual(
      stat.children.map((c) => c.name),
      ['objects', 'version', 'other', 'load_avg', 'mem', 'swap', 'diskspace'],
    );
    assert.ok(Number(text(stat, 'other/uptime')) >= 0, 'FOSSBilling testConnection reads other/uptime');
    assert.ok(Number(text(stat, 'mem/total')) > 0);
    for (const name of ['total', 'used', 'free']) assert.match(text(stat, `diskspace/device/${name}`), /^\d+$/);
    for (const name of ['clients', 'domains', 'databases', 'active_domains', 'mail_boxes', 'problem_domains']) assert.match(text(stat, `objects/${name}`), /^\d+$/);
    const key = at(root, 'server');
    assert.ok(key);
    const unknown = await send(lib('<server><get><no-such-dataset/></get></server>'));
    expectError(at(unknown.root, 'server/get/result'), 1014);
  });

  test('FOSSBilling createAccount: customer add, webspace add without plan with limits in bytes → the default package, per-account overrides', async () => {
    const customer = await send(
      lib(
        '<customer><add><gen_info><cname>Acme</cname><pname>Fay Bill</pname><login>fbuser</login><passwd>Str0ng-Pass!word</passwd><phone></phone><fax></fax>' +
          '<email>fb@example.test</email><address>1 Road</address><city>Town</city><state></state><description>Created using FOSSBilling.</description></gen_info></add></customer>',
      ),
    );
    const added = at(customer.root, 'customer/add/result');
    expectOk(added);
    const clientId = Number(text(added, 'id'));
    assert.equal((await row(`/api/v1/clients/${clientId}`)).login, 'fbuser');
    const read = await send(lib(`<customer><get><filter><id>${clientId}</id></filter><dataset><gen_info/></dataset></get></customer>`));
    assert.equal(text(read.root, 'customer/get/result/data/gen_info/description'), 'Created using FOSSBilling.');

    const webspace = await send(
      lib(
        '<webspace><add><gen_setup><name>fb.example.test</name><owner-login>fbuser</owner-login><htype>vrt_hst</htype><ip_address>203.0.113.9</ip_address></gen_setup>' +
          '<hosting><vrt_hst><property><name>ftp_login</name><value>fbuser</value></property><property><name>ftp_password</name><value>Str0ng-Pass!word</value></property>' +
          '<property><name>php</name><value>true</value></property><ip_address>203.0.113.9</ip_address></vrt_hst></hosting>' +
          `<limits><limit><name>max_db</name><value>0</value></limit><limit><name>max_traffic</name><value>${2048 * MIB}</value></limit><limit><name>disk_space</name><value>${512 * MIB}</value></limit></limits>` +
          '<permissions><permission><name>manage_dns</name><value>true</value></permission></permissions></add></webspace>',
      ),
    );
    const result = at(webspace.root, 'webspace/add/result');
    expectOk(result);
    const account = await row(`/api/v1/accounts/${text(result, 'id')}`);
    assert.equal(account.client_id, clientId);
    assert.equal(account.username, 'fbuser');
    assert.equal(account.disk_limit_mb, 512);
    assert.equal(account.bandwidth_limit_mb, 2048);
    assert.equal((await row(`/api/v1/packages/${account.package_id}`)).name, 'default');
    const limits = await send(lib('<webspace><get><filter><id>' + account.id + '</id></filter><dataset><limits/></dataset></get></webspace>'));
    const byName = Object.fromEntries(all(at(limits.root, 'webspace/get/result/data/limits'), 'limit').map((l) => [text(l, 'name'), text(l, 'value')]));
    assert.equal(byName.disk_space, String(512 * MIB));
    assert.equal(byName.max_traffic, String(2048 * MIB));
  });

  test('FOSSBilling suspend/unsuspend/password/package change: customer set by login; webspace set without a filter applies its limits', async () => {
    const set = (values: string) => send(lib(`<customer><set><filter><login>fbuser</login></filter><values><gen_info>${values}</gen_info></values></set></customer>`));
    expectOk(at((await set('<status>16</status>')).root, 'customer/set/result'));
    const [account] = (await row('/api/v1/accounts?domain=fb.example.test')) as { id: number; status: string }[];
    assert.equal((await row(`/api/v1/accounts/${account.id}`)).status, 'suspended');
    expectOk(at((await set('<status>0</status>')).root, 'customer/set/result'));
    assert.equal((await row(`/api/v1/accounts/${account.id}`)).status, 'active');
    expectOk(at((await set('<passwd>N3w-Str0ng-Pass!</passwd>')).root, 'customer/set/result'));

    const change = await send(
      lib(
        '<webspace><set><gen_setup><name>fb.example.test</name><owner-login>fbuser</owner-login><htype>vrt_hst</htype><ip_address>203.0.113.9</ip_address></gen_setup>' +
          '<hosting><vrt_hst><property><name>ftp_password</name><value>N3w-Str0ng-Pass!</value></property></vrt_hst></hosting>' +
          `<limits><limit><name>disk_space</name><value>${4096 * MIB}</value></limit></limits></set></webspace>`,
      ),
    );
    expectOk(at(change.root, 'webspace/set/result'));
    assert.equal((await row(`/api/v1/accounts/${account.id}`)).disk_limit_mb, 4096);
    const rename = await send(
      lib('<webspace><set><filter><owner-login>fbuser</owner-login></filter><values><gen_setup><name>other.example.test</name></gen_setup></values></set></webspace>'),
    );
    expectError(at(rename.root, 'webspace/set/result'), 1023);
    assert.equal((await row(`/api/v1/accounts/${account.id}`)).domain, 'fb.example.test');
  });

  test('FOSSBilling cancelAccount: customer del by login removes its webspaces', async () => {
    const [account] = (await row('/api/v1/accounts?domain=fb.example.test')) as { id: number }[];
    expectOk(at((await send(lib('<customer><del><filter><login>fbuser</login></filter></del></customer>'))).root, 'customer/del/result'));
    assert.equal((await t.call('GET', `/api/v1/accounts/${account.id}`)).status, 404);
    expectError(
      at((await send(lib('<customer><get><filter><login>fbuser</login></filter><dataset><gen_info/></dataset></get></customer>'))).root, 'customer/get/result'),
      1013,
    );
  });

  test('WHMCS lifecycle in its protocol versions: 1.0.0.0 domain set for status and FTP password, 1.6.x webspace and customer', async () => {
    const customer = await send(
      packet(
        '<customer><add><gen_info><cname></cname><pname>Wes Hall</pname><login>whuser</login><passwd>Str0ng-Pass!word</passwd><status>0</status><phone>1</phone>' +
          '<email>wh@example.test</email><address>1 Road</address><city>Town</city><state>ST</state><pcode>1</pcode><country>US</country><external-id>whmcs_plesk_9</external-id></gen_info></add></customer>',
        '1.6.6.0',
      ),
    );
    const ownerId = Number(text(at(customer.root, 'customer/add/result'), 'id'));
    const ip = text((await send(packet('<ip><get/></ip>', '1.6.3.2'))).root, 'ip/get/result/addresses/ip_info/ip_address');
    const add = await send(
      packet(
        `<webspace><add><gen_setup><name>measured.example.test</name><owner-id>${ownerId}</owner-id><htype>vrt_hst</htype><status>0</status></gen_setup>` +
          `<hosting><vrt_hst><property><name>ftp_login</name><value>whuser</value></property><property><name>ftp_password</name><value>Str0ng-Pass!word</value></property><ip_address>${ip}</ip_address></vrt_hst></hosting>` +
          '<prefs><www>true</www></prefs><plan-name>Basic</plan-name></add></webspace>',
        '1.6.3.2',
      ),
    );
    const id = Number(text(at(add.root, 'webspace/add/result'), 'id'));
    const old = await send(packet('<client><get><filter><login>whuser</login></filter><dataset><gen_info/></dataset></get></client>', '1.0.0.0'));
    assert.equal(text(old.root, 'client/get/result/id'), String(ownerId), 'client is the protocol 1.0 name of customer');
    const oldWebspace = await send(packet('<domain><get><filter><name>measured.example.test</name></filter><dataset><hosting/></dataset></get></domain>', '1.0.0.0'));
    assert.equal(text(oldWebspace.root, 'domain/get/result/data/hosting/vrt_hst/ip_address'), ip);
    const status = (code: number) =>
      send(
        packet(
          `<domain><set><filter><name>measured.example.test</name></filter><values><gen_setup><status>${code}</status></gen_setup></values></set></domain>`,
          '1.0.0.0',
        ),
      );

    const suspended = await status(16);
    assert.equal(suspended.root.attrs.version, '1.0.0.0');
    expectOk(at(suspended.root, 'domain/set/result'));
    let account = await row(`/api/v1/accounts/${id}`);
    assert.equal(account.status, 'suspended');
    assert.match(account.suspend_reason, /16/);
    expectOk(at((await status(0)).root, 'domain/set/result'));
    assert.equal((await row(`/api/v1/accounts/${id}`)).status, 'active');
    expectOk(at((await status(32)).root, 'domain/set/result'));
    assert.equal(
      text(
        (await send(packet('<webspace><get><filter><name>measured.example.test</name></filter><dataset><gen_info/></dataset></get></webspace>'))).root,
        'webspace/get/result/data/gen_info/status',
      ),
      '32',
    );
    expectOk(at((await status(0)).root, 'domain/set/result'));

    const password = await send(
      packet(
        '<domain><set><filter><name>measured.example.test</name></filter><values><hosting><vrt_hst><ftp_password>N3w-Str0ng-Pass!</ftp_password></vrt_hst></hosting></values></set></domain>',
        '1.0.0.0',
      ),
    );
    expectOk(at(password.root, 'domain/set/result'));
    account = await row(`/api/v1/accounts/${id}`);
    assert.equal(account.status, 'active');

    const plan = await send(packet('<service-plan><get><filter><name>Pro</name></filter></get></service-plan>'));
    const guid = text(plan.root, 'service-plan/get/result/guid');
    expectOk(
      at(
        (
          await send(
            packet(`<webspace><switch-subscription><filter><name>measured.example.test</name></filter><plan-guid>${guid}</plan-guid></switch-subscription></webspace>`),
          )
        ).root,
        'webspace/switch-subscription/result',
      ),
    );
    assert.equal((await row(`/api/v1/packages/${(await row(`/api/v1/accounts/${id}`)).package_id}`)).name, 'Pro');
    const subs = await send(packet('<webspace><get><filter><name>measured.example.test</name></filter><dataset><subscriptions/></dataset></get></webspace>', '1.6.3.2'));
    assert.equal(text(subs.root, 'webspace/get/result/data/subscriptions/subscription/plan/plan-guid'), guid);
  });

  test('WHMCS UsageUpdate: disk (real_size) and traffic (stat, resource-usage) in bytes from the usage figures; site get answers no child sites', async () => {
    const v164 = await send(
      packet('<webspace><get><filter><name>measured.example.test</name></filter><dataset><resource-usage/><limits/><gen_info/></dataset></get></webspace>', '1.6.4.0'),
    );
    const data = at(v164.root, 'webspace/get/result/data');
    assert.equal(text(data, 'gen_info/real_size'), String(USED.disk * MIB));
    const resources = Object.fromEntries(all(at(data, 'resource-usage'), 'resource').map((r) => [text(r, 'name'), text(r, 'value')]));
    assert.equal(resources.max_traffic, String(USED.traffic * MIB));
    assert.equal(resources.disk_space, String(USED.disk * MIB));

    const v163 = await send(
      packet(
        '<webspace><get><filter><name>measured.example.test</name></filter><dataset><limits/><stat/><gen_info/></dataset></get></webspace>' +
          '<site><get><filter><parent-name>measured.example.test</parent-name></filter><dataset><stat/></dataset></get></site>',
        '1.6.3.0',
      ),
    );
    assert.equal(text(v163.root, 'webspace/get/result/data/stat/traffic'), String(USED.traffic * MIB));
    assert.deepEqual(at(v163.root, 'site/get').children, []);
    const notMeasured = await send(packet('<webspace><get><filter/><dataset><gen_info/><stat/></dataset></get></webspace>'));
    const others = all(at(notMeasured.root, 'webspace/get'), 'result').filter((r) => !text(r, 'data/gen_info/name').startsWith('measured'));
    for (const r of others) assert.equal(text(r, 'data/gen_info/real_size'), '0', 'not measured yet reads as 0, as Plesk shows a new webspace');
    const customer = await send(packet('<customer><get><filter><login>whuser</login></filter><dataset><stat/></dataset></get></customer>'));
    assert.equal(text(customer.root, 'customer/get/result/data/stat/disk_space'), String(USED.disk * MIB));
    assert.equal(text(customer.root, 'customer/get/result/data/stat/traffic'), String(USED.traffic * MIB));
    const ownerId = text(customer.root, 'customer/get/result/id');
    const rest = await t.call('GET', `/api/v2/clients/${ownerId}/statistics`, { token: null, headers: { 'x-api-key': token } });
    assert.equal(rest.status, 200, rest.text);
    assert.equal(rest.body.disk_space, USED.disk * MIB);
    assert.equal(rest.body.traffic, USED.traffic * MIB);
  });

  test('WHMCS plan lists and add-ons: reseller-plan (<filter><all/>), service-plan-addon and reseller answer empty; their writes 1023', async () => {
    const plans = await send(packet('<reseller-plan><get><filter><all/></filter><limits/><permissions/></get></reseller-plan>'));
    assert.deepEqual(at(plans.root, 'reseller-plan/get').children, []);
    const addons = await send(
      packet('<service-plan-addon><get><filter><guid>00000000-0000-4000-8000-000000000000</guid></filter></get></service-plan-addon>', '1.6.3.2'),
    );
    expectError(at(addons.root, 'service-plan-addon/get/result'), 1013);
    assert.deepEqual(at((await send(lib('<service-plan-addon><get><filter/></get></service-plan-addon>'))).root, 'service-plan-addon/get').children, []);
    assert.deepEqual(at((await send(lib('<reseller><get><filter/><dataset><gen-info/><permissions/></dataset></get></reseller>'))).root, 'reseller/get').children, []);
    const reseller = await send(lib('<reseller><add><gen-info><pname>R</pname><login>res1</login><passwd>Str0ng-Pass!word</passwd></gen-info></add></reseller>'));
    expectError(at(reseller.root, 'reseller/add/result'), 1023);
    assert.equal((await row('/api/v1/clients?login=res1')).length, 0);
  });

  test('WHMCS terminate: webspace del; the owner filter that selects nothing answers ok without id; then customer del', async () => {
    const lookup = await send(packet('<customer><get><filter><login>whuser</login></filter><dataset><gen_info/></dataset></get></customer>', '1.6.7.0'));
    const ownerId = Number(text(lookup.root, 'customer/get/result/id'));
    expectOk(at((await send(packet('<webspace><del><filter><name>measured.example.test</name></filter></del></webspace>'))).root, 'webspace/del/result'));
    assert.equal((await row('/api/v1/accounts?domain=measured.example.test')).length, 0);
    const left = await send(packet(`<webspace><get><filter><owner-id>${ownerId}</owner-id></filter><dataset><hosting/></dataset></get></webspace>`));
    const result = at(left.root, 'webspace/get/result');
    expectOk(result);
    assert.equal(child(result, 'id'), undefined);
    const unknownOwner = await send(packet('<webspace><get><filter><owner-id>99999</owner-id></filter><dataset><hosting/></dataset></get></webspace>'));
    expectError(at(unknownOwner.root, 'webspace/get/result'), 1013);
    expectOk(at((await send(packet(`<customer><del><filter><id>${ownerId}</id></filter></del></customer>`))).root, 'customer/del/result'));
    assert.equal((await t.call('GET', `/api/v1/clients/${ownerId}`)).status, 404);
  });
});
