import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestingModuleBuilder } from '@nestjs/testing';
import { createProvisioningSteps } from '../../src/agent/agent.module';
import { PROVISIONING_STEPS } from '../../src/agent/plan-executor';
import { StepInput } from '../../src/agent/steps';
import { DISABLED_FUNCTIONS } from '../../src/agent/steps/create-steps';
import { ReloadCoalescer } from '../../src/agent/system/reload-coalescer';
import { APP_CONFIG, AppConfig } from '../../src/platform/config/app-config';
import { DatabaseService } from '../../src/platform/database/database.service';
import { UsageJobs } from '../../src/usage/usage.jobs';
import { AccountTarget } from '../../src/provisioning/provisioning.port';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';
import { leftovers, readRoot } from '../provisioning/support';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/spawn-server';
import { startNginx, StackNginx } from '../support/stack-nginx';
import { PowerDns, startPowerDns } from '../support/powerdns';

/*
 * The real stack: Debian's nginx (workers as www-data), a php-fpm8.2 master and PowerDNS (gmysql)
 * on loopback high ports and unix sockets under a temp dir, with configs that include the app's
 * rootDir and read its MariaDB test database. Not part of `npm test`; run with `npm run test:stack`
 * (root, network to Debian's mirror when packages are missing). Driven through the HTTP API of the
 * app in this process; nginx and php-fpm read the files it generates and serve PHP for real.
 *
 * The accounts' Linux users live in rootDir's /etc/passwd (the agent's passwd writer). php-fpm runs in a
 * private mount namespace whose /etc/passwd and /etc/group are the host's plus rootDir's users
 * (rewritten in place before every test and reload), so pools really run as the accounts' uids.
 */
process.env.DATABASE_URL ||= 'mariadb://root@127.0.0.1:3306/test';

function run(argv: string[]): { status: number; out: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const SERVER_IP = '192.0.2.44';
const ALICE_SOURCE = 'ALICE-SOURCE-7f3a';
const ALICE_OUTPUT = 'alice-page-output';
const EXEC_FAMILY = ['shell_exec', 'exec', 'system', 'passthru', 'popen', 'proc_open'];

/** A domain of `length` characters (labels of at most 63). */
function domainOfLength(length: number, tld = 'org'): string {
  const labels: string[] = [];
  let left = length - tld.length - 1;
  for (let i = 0; left > 0; i++) {
    const size = Math.min(63, left - (left > 64 ? 1 : 0));
    const piece = Math.min(size, left);
    labels.push(String.fromCharCode(97 + (i % 26)).repeat(piece));
    left -= piece + 1;
  }
  const domain = `${labels.join('.')}.${tld}`;
  assert.equal(domain.length, length, domain);
  return domain;
}

describe('real stack: nginx, php-fpm and PowerDNS serve what provisioning makes', () => {
  let t: TestApp;
  let dir: string;
  let root: string;
  let httpPort: number;
  let dnsPort: number;
  let nginx: StackNginx | undefined;
  let pdns: PowerDns | undefined;
  let fpm: ChildProcess | undefined;
  let fpmExited = false;

  before(async () => {
    execFileSync(join(REPO_ROOT, 'test/stack/install-deps.sh'), { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'hw-stack-'));
    // nginx's workers (www-data) and the pools (the accounts' uids) walk down to the homes.
    chmodSync(dir, 0o755);
    httpPort = await freePort();
    const dataDir = join(dir, 'data');
    root = join(dataDir, 'root');
    for (const sub of ['etc/nginx/sites-enabled', 'etc/php/8.2/fpm/pool.d', 'run/php']) mkdirSync(join(root, sub), { recursive: true });
    nginx = startNginx(dir, root, httpPort, 2);

    // php-fpm: the generated pools plus one of the test's own, so the master has a pool before the first account.
    writeFileSync(
      join(dir, 'php-fpm.conf'),
      `[global]
pid = ${dir}/php-fpm.pid
error_log = ${dir}/php-fpm.log
include = ${root}/etc/php/8.2/fpm/pool.d/*.conf

[hw-stack-base]
user = www-data
group = www-data
listen = ${dir}/base.sock
pm = ondemand
pm.max_children = 2
`,
    );
    const fpmScript = join(dir, 'fpm.sh');
    writeFileSync(
      fpmScript,
      `#!/bin/sh
# test | reload | start: the stack's php-fpm8.2, seeing the host's users plus rootDir's.
set -e
D='${dir}'
R='${root}'
# Rewritten in place (a bind mount pins the inode), and only when changed: a reader never sees a half-written file needlessly.
sync() { { cat "/etc/$1"; awk -F: '$3 >= 10000' "$R/etc/$1" 2>/dev/null || true; } > "$D/$1.new" && { cmp -s "$D/$1.new" "$D/$1" || cat "$D/$1.new" > "$D/$1"; }; }
sync passwd
sync group
ns() { exec unshare -m -- sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"' sh "$D/passwd" "$D/group" "$@"; }
case "$1" in
  test) ns php-fpm8.2 -t -y "$D/php-fpm.conf" ;;
  start) ns php-fpm8.2 -F -y "$D/php-fpm.conf" ;;
  reload) kill -USR2 "$(cat "$D/php-fpm.pid")" ;;
esac
`,
    );
    chmodSync(fpmScript, 0o755);
    fpm = spawn(fpmScript, ['start'], { stdio: 'ignore' });
    fpm.once('exit', () => (fpmExited = true));
    await waitFor(() => existsSync(join(dir, 'base.sock')), 'php-fpm to listen');

    // A pool that fails `php-fpm -t` for one account: the shipped templates with a bad value, only for usernames badpool…
    const badTemplates = join(dir, 'bad-templates');
    cpSync(join(REPO_ROOT, 'templates'), badTemplates, { recursive: true });
    const poolTemplate = join(badTemplates, 'php-fpm-pool.conf.mustache');
    const badPool = readFileSync(poolTemplate, 'utf8').replace(/^pm\.max_children = \d+$/m, 'pm.max_children = 0');
    assert.match(badPool, /^pm\.max_children = 0$/m);
    writeFileSync(poolTemplate, badPool);
    const override = (b: TestingModuleBuilder) =>
      b.overrideProvider(PROVISIONING_STEPS).useFactory({
        factory: (config: AppConfig, db: DatabaseService, reloads: ReloadCoalescer) => {
          const real = createProvisioningSteps(config, db, reloads);
          const bad = createProvisioningSteps({ ...config, provisioning: { ...config.provisioning, templatesDir: badTemplates } }, db, reloads);
          const pick = (username: string) => (username.startsWith('badpool') ? bad : real);
          return { ...real, php_pool: { ...real.php_pool, apply: (input: StepInput) => pick(input.target.username).php_pool.apply(input) } };
        },
        inject: [APP_CONFIG, DatabaseService, ReloadCoalescer],
      });

    t = await startTestApp({
      dataDir,
      override,
      env: {
        HW_SERVER_IP: SERVER_IP,
        HW_NAMESERVERS: 'ns1.stack.example.net,ns2.stack.example.net',
        HW_NGINX_LISTEN: `127.0.0.1:${httpPort}`,
        HW_NGINX_TEST_CMD: JSON.stringify([...nginx.command, '-t', '-q']),
        HW_NGINX_RELOAD_CMD: JSON.stringify([...nginx.command, '-s', 'reload']),
        HW_NGINX_PID_FILE: join(dir, 'nginx.pid'),
        HW_PHPFPM_TEST_CMD: JSON.stringify([fpmScript, 'test']),
        HW_PHPFPM_RELOAD_CMD: JSON.stringify([fpmScript, 'reload']),
        HW_PHPFPM_PID_FILE: join(dir, 'php-fpm.pid'),
      },
    });

    const db = t.database.config;
    assert.equal(db.type, 'mariadb');
    pdns = await startPowerDns(db, dir);
    dnsPort = pdns.port;
  });

  after(async () => {
    // What nginx and php-fpm complained about beyond the bad pool's expected -t failures, for a post-mortem (the temp dir goes).
    const expected = /bad-pool\.example\.org|failed to post process the configuration|FPM initialization failed/;
    for (const log of ['nginx-error.log', 'php-fpm.log']) {
      const lines = existsSync(join(dir, log))
        ? readFileSync(join(dir, log), 'utf8')
            .split('\n')
            .filter((l) => /\[(emerg|alert|crit|error)\]|ERROR|ALERT/.test(l))
        : [];
      if (lines.some((l) => !expected.test(l))) {
        process.stdout.write(
          `# ${log}:\n${lines
            .slice(-20)
            .map((l) => `#   ${l}`)
            .join('\n')}\n`,
        );
      }
    }
    nginx?.stop();
    pdns?.stop();
    if (existsSync(join(dir, 'php-fpm.pid'))) spawnSync('sh', ['-c', `kill -QUIT "$(cat '${dir}/php-fpm.pid')"`]);
    fpm?.kill('SIGQUIT');
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One request over a fresh connection: status and body. */
  const get = (domain: string, path = '/') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: httpPort, path, headers: { host: domain }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const dig = (name: string, type = 'A') => run(['dig', '@127.0.0.1', '-p', String(dnsPort), '+time=2', '+tries=1', name, type]).out;
  const digShort = (name: string, type = 'A') => run(['dig', '@127.0.0.1', '-p', String(dnsPort), '+short', '+time=2', '+tries=1', name, type]).out.trim();
  const create = (username: string, domain: string) =>
    t.call('POST', '/api/v1/accounts', {
      body: { username, domain, email: `owner@${domain.length > 60 ? 'example.net' : domain}`, password: 'correct horse battery', package_id: 1 },
    });
  const ids = (username: string) => {
    const line = readRoot(root, 'etc/passwd')!
      .split('\n')
      .find((l) => l.startsWith(`${username}:`));
    assert.ok(line, `${username} in rootDir's passwd`);
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  };
  const webGid = Number(
    readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('www-data:'))!
      .split(':')[2],
  );
  /** Puts a file in an account's web root the way an upload would (the tenant's uid, umask 022). */
  const upload = (username: string, name: string, content: string) => {
    const path = join(root, 'home', username, 'public_html', name);
    writeFileSync(path, content, { mode: 0o644 });
    chownSync(path, ids(username).uid, webGid);
    return path;
  };
  const link = (username: string, name: string, target: string) => {
    const path = join(root, 'home', username, 'public_html', name);
    symlinkSync(target, path);
    lchownSync(path, ids(username).uid, ids(username).gid);
  };

  test('create → welcome page over nginx at once, zone over PowerDNS; suspend → 503; unsuspend → 200; delete → gone', async () => {
    const a: AccountTarget = { id: 0, username: 'stackuser', domain: 'stack-site.example.org', email: 'owner@example.net', phpVersion: '8.2' };
    const created = await create(a.username, a.domain);
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;

    const first = await get(a.domain);
    assert.equal(first.status, 200, 'the first request after 201 is served by the new configuration');
    assert.match(first.body, new RegExp(`<h1>Welcome to ${a.domain.replace(/\./g, '\\.')}</h1>`));
    assert.equal(digShort(a.domain), SERVER_IP);
    assert.equal(digShort(`www.${a.domain}`), SERVER_IP);
    assert.equal(digShort(a.domain, 'MX'), `10 mail.${a.domain}.`);
    assert.match(digShort(a.domain, 'NS'), /ns1\.stack\.example\.net\./);
    assert.match(digShort(a.domain, 'TXT'), /v=spf1 a mx ~all/);

    // PHP runs in the account's own pool, as the account's uid, with the pool's limits.
    upload(
      a.username,
      'whoami.php',
      '<?php echo posix_getuid(), " ", ini_get("open_basedir"), " ", ini_get("disable_functions"), " ", ini_get("session.save_path"), " ", ini_get("upload_tmp_dir");',
    );
    const who = await get(a.domain, '/whoami.php');
    assert.equal(who.status, 200, who.body);
    const home = join(root, 'home', a.username);
    assert.equal(who.body, `${ids(a.username).uid} ${home}/ ${DISABLED_FUNCTIONS} ${home}/tmp ${home}/tmp`);

    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`)).status, 200);
    assert.equal((await get(a.domain)).status, 503);
    assert.match((await get(a.domain)).body, /This account is suspended/);

    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/unsuspend`)).status, 200);
    assert.match((await get(a.domain)).body, /Welcome to/);

    assert.equal((await t.call('DELETE', `/api/v1/accounts/${id}`)).status, 204);
    assert.equal(readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`), null);
    assert.equal((await get(a.domain)).status, 404, 'nginx stops serving the vhost (the default server answers 404)');
    const answer = dig(a.domain);
    assert.match(answer, /status: REFUSED|ANSWER: 0/);
    assert.equal(digShort(a.domain), '');
    assert.deepEqual(leftovers(root, a), []);
  });

  test('traffic: nginx writes the access log in the usage format, and the traffic job counts exactly the bytes nginx sent', async () => {
    const created = await create('stacktraffic', 'stack-traffic.example.org');
    assert.equal(created.status, 201, created.text);
    const log = join(root, 'var/log/nginx/stack-traffic.example.org.access.log');
    /** Everything one request received over its own connection: nginx's $bytes_sent for it. */
    const received = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(httpPort, '127.0.0.1', () => socket.end(`GET ${path} HTTP/1.1\r\nHost: stack-traffic.example.org\r\nConnection: close\r\n\r\n`));
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
        socket.on('end', () => resolve(bytes));
        socket.on('error', reject);
      });
    let sent = 0;
    for (const path of ['/', '/missing', '/', '/index.html']) sent += await received(path);
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').split('\n').filter(Boolean).length === 4, 'four lines in the access log');
    assert.match(readFileSync(log, 'utf8'), /^\d+\.\d{3} \d+\n/, 'the hostwright_usage format: $msec $bytes_sent');
    assert.equal(await t.get(UsageJobs).countTraffic(), true);
    const usage = await t.call('GET', `/api/v1/accounts/${created.body.data.id}/usage`);
    assert.equal(usage.body.data.bandwidth_used_bytes, sent);
    await t.get(UsageJobs).countTraffic();
    assert.equal((await t.call('GET', `/api/v1/accounts/${created.body.data.id}/usage`)).body.data.bandwidth_used_bytes, sent, 'counted once');
    assert.equal((await t.call('DELETE', `/api/v1/accounts/${created.body.data.id}`)).status, 204);
  });

  test("tenants cannot read each other's files: not from PHP, not through exec, not through a symlink, not as the uid", async () => {
    for (const [u, d] of [
      ['alicestack', 'alice-stack.example.org'],
      ['bobstack', 'bob-stack.example.org'],
    ]) {
      const r = await create(u, d);
      assert.equal(r.status, 201, r.text);
    }
    const aliceRoot = join(root, 'home/alicestack/public_html');
    const aliceIndex = upload('alicestack', 'index.php', `<?php /* ${ALICE_SOURCE} */ echo '${ALICE_OUTPUT}';\n`);
    const aliceSocket = readRoot(root, 'etc/php/8.2/fpm/pool.d/alice-stack.example.org.conf')!.match(/^listen = (\S+)$/m)![1];
    const leaked = (text: string | false | null | undefined) => typeof text === 'string' && (text.includes(ALICE_SOURCE) || text.includes(ALICE_OUTPUT));

    // The account's own page still serves, PHP and static.
    const own = await get('alice-stack.example.org');
    assert.equal(own.status, 200, own.body);
    assert.equal(own.body, ALICE_OUTPUT);
    assert.match((await get('alice-stack.example.org', '/index.html')).body, /Welcome to alice-stack/);

    // Bob's PHP (its own pool, its own uid) tries every way it has.
    link('bobstack', 'alice.txt', aliceIndex);
    link('bobstack', 'alice.php', aliceIndex);
    link('bobstack', 'alice-dir', aliceRoot);
    upload(
      'bobstack',
      'probe.php',
      `<?php
$t = ${JSON.stringify(aliceIndex)};
$out = [];
$try = function ($name, $fn) use (&$out) { ob_start(); try { $r = $fn(); } catch (Throwable $e) { $r = false; } $echoed = ob_get_clean(); $out[$name] = is_string($r) ? $r . $echoed : ($echoed !== '' ? $echoed : false); };
$try('file_get_contents', fn () => @file_get_contents($t));
$try('fopen', function () use ($t) { $h = @fopen($t, 'r'); return $h ? fread($h, 65536) : false; });
$try('readfile', fn () => @readfile($t) === false ? false : '');
$try('SplFileObject', fn () => (new SplFileObject($t))->fread(65536));
$try('include', fn () => (@include $t) === false ? false : '');
$try('symlink_in_own_root', fn () => @file_get_contents(__DIR__ . '/alice.txt'));
$try('symlinked_dir', fn () => @file_get_contents(__DIR__ . '/alice-dir/index.php'));
$try('scandir', fn () => ($l = @scandir(dirname($t))) ? implode(',', $l) . ${JSON.stringify(ALICE_SOURCE)} : false);
$try('fpm_socket_of_alice', fn () => ($s = @stream_socket_client('unix://' . ${JSON.stringify(aliceSocket)})) ? ${JSON.stringify(ALICE_SOURCE)} : false);
$try('shell_exec', fn () => shell_exec('cat ' . $t));
$try('exec', function () use ($t) { exec('cat ' . $t, $lines); return implode("\\n", $lines); });
$try('system', fn () => system('cat ' . $t));
$try('passthru', fn () => passthru('cat ' . $t));
$try('popen', function () use ($t) { $h = popen('cat ' . $t, 'r'); return stream_get_contents($h); });
$try('proc_open', function () use ($t) { $p = proc_open(['cat', $t], [1 => ['pipe', 'w']], $pipes); return stream_get_contents($pipes[1]); });
$try('tmp_outside_home', fn () => @file_put_contents('/tmp/hw-stack-probe', 'x') ? ${JSON.stringify(ALICE_SOURCE)} : false);
$out['available'] = array_values(array_filter(${JSON.stringify(EXEC_FAMILY)}, 'function_exists'));
echo json_encode($out);
`,
    );
    const probe = await get('bob-stack.example.org', '/probe.php');
    assert.equal(probe.status, 200, probe.body);
    const results = JSON.parse(probe.body) as Record<string, string | false> & { available: string[] };
    const phpAttempts = Object.entries(results).filter(([k]) => k !== 'available');
    const phpLeaks = phpAttempts.filter(([, v]) => leaked(v as string | false) || (v !== false && v !== ''));

    // Through nginx: symlinks in bob's web root pointing into alice's (disable_symlinks if_not_owner).
    const web = await Promise.all(
      ['/alice.txt', '/alice.php', '/alice-dir/index.php', '/alice-dir/index.html'].map(async (path) => ({ path, ...(await get('bob-stack.example.org', path)) })),
    );
    const webLeaks = web.filter((r) => r.status === 200 || leaked(r.body));

    // As bob's uid, whatever PHP allows (a relaxed pool): the filesystem itself says no.
    const bob = ids('bobstack');
    const asBob = (argv: string[]) => run(['setpriv', `--reuid=${bob.uid}`, `--regid=${bob.gid}`, '--clear-groups', '--', ...argv]);
    const connect = `require('net').connect(${JSON.stringify(aliceSocket)}).on('connect', () => { console.log('${ALICE_SOURCE}'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(1); })`;
    const shell = [
      ['cat', aliceIndex],
      ['cat', join(aliceRoot, 'index.html')],
      ['ls', join(root, 'home/alicestack')],
      ['cat', join(root, 'home/bobstack/public_html/alice.txt')],
      [process.execPath, '-e', connect],
    ].map((argv) => ({ argv, ...asBob(argv) }));
    const shellLeaks = shell.filter((r) => r.status === 0 || leaked(r.out));

    const attempts = phpAttempts.length + web.length + shell.length;
    process.stdout.write(
      `# cross-tenant read attempts: ${attempts} (php ${phpAttempts.length}, nginx ${web.length}, uid ${shell.length}); succeeded: ${phpLeaks.length + webLeaks.length + shellLeaks.length} (${[...phpLeaks.map(([k]) => k), ...webLeaks.map((r) => r.path), ...shellLeaks.map((r) => r.argv.slice(-1)[0])].join(', ')})\n`,
    );
    assert.deepEqual(results.available, [], 'the exec family is disabled in the pool');
    assert.deepEqual(phpLeaks, [], JSON.stringify(results));
    assert.deepEqual(webLeaks, []);
    assert.deepEqual(shellLeaks, []);
    for (const r of shell) assert.match(r.out, /Permission denied|EACCES/, r.argv.join(' '));
    assert.equal(asBob(['cat', join(root, 'home/bobstack/public_html/probe.php')]).status, 0, 'bob reads its own files');
    // …and alice's page is still hers.
    assert.equal((await get('alice-stack.example.org')).body, ALICE_OUTPUT);
  });

  test('a domain of the longest supported length, created alongside a short one: both served, no neighbour failed', async () => {
    // 242: hostmaster.{domain}, the zone's SOA mailbox, is then 253 characters, the most a DNS name may have.
    const long = domainOfLength(242);
    const results = await Promise.all([create('longname', long), create('shortname', 'short-name.example.org'), create('longname43', domainOfLength(43))]);
    for (const r of results) assert.equal(r.status, 201, r.text);
    for (const d of [long, 'short-name.example.org', domainOfLength(43)]) {
      const r = await get(d);
      assert.equal(r.status, 200, d);
      assert.match(r.body, /Welcome to/);
    }
    assert.equal(digShort(`www.${long}`), SERVER_IP);
    assert.match(digShort(long, 'SOA'), new RegExp(`^ns1\\.stack\\.example\\.net\\. hostmaster\\.${long.replace(/\./g, '\\.')}\\. `));
  });

  test('a pool that fails php-fpm -t: the create fails cleanly, the master keeps running, other pools keep serving', async () => {
    const good = await create('poolok', 'pool-ok.example.org');
    assert.equal(good.status, 201, good.text);
    upload('poolok', 'index.php', '<?php echo "pool ok";');
    assert.equal((await get('pool-ok.example.org')).body, 'pool ok');
    const master = Number(readFileSync(join(dir, 'php-fpm.pid'), 'utf8'));

    const [bad, neighbour] = await Promise.all([create('badpool', 'bad-pool.example.org'), create('poolnext', 'pool-next.example.org')]);
    assert.equal(bad.status, 500, bad.text);
    assert.equal(bad.body.error, 'provisioning_failed');
    assert.equal(neighbour.status, 201, `a create alongside the bad one goes on: ${neighbour.text}`);
    assert.deepEqual(leftovers(root, { id: 0, username: 'badpool', domain: 'bad-pool.example.org', email: '', phpVersion: '8.2' }), []);

    assert.equal(fpmExited, false, 'the php-fpm master is still running');
    assert.doesNotThrow(() => process.kill(master, 0));
    assert.equal(Number(readFileSync(join(dir, 'php-fpm.pid'), 'utf8')), master);
    assert.equal((await get('pool-ok.example.org')).body, 'pool ok');
    upload('poolnext', 'index.php', '<?php echo "next ok";');
    assert.equal((await get('pool-next.example.org')).body, 'next ok');
    assert.equal(run([join(dir, 'fpm.sh'), 'test']).status, 0, 'the live configuration still passes php-fpm -t');
  });

  test('suspend/unsuspend answer once nginx serves the new state: 20 rounds, the very next request is never stale', async () => {
    const r = await create('flipflop', 'flip-flop.example.org');
    assert.equal(r.status, 201, r.text);
    const id = r.body.data.id;
    let stale = 0;
    const rounds = 20;
    const took: number[] = [];
    const call = async (action: string) => {
      const started = performance.now();
      assert.equal((await t.call('POST', `/api/v1/accounts/${id}/${action}`)).status, 200);
      took.push(performance.now() - started);
    };
    for (let i = 0; i < rounds; i++) {
      await call('suspend');
      if ((await get('flip-flop.example.org')).status !== 503) stale++;
      await call('unsuspend');
      if ((await get('flip-flop.example.org')).status !== 200) stale++;
    }
    took.sort((x, y) => x - y);
    process.stdout.write(
      `# stale answers after suspend/unsuspend: ${stale} of ${2 * rounds}; answer time median ${took[rounds].toFixed(0)} ms, max ${took[took.length - 1].toFixed(0)} ms\n`,
    );
    assert.equal(stale, 0);
  });
});
