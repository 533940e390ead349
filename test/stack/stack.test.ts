import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AccountTarget } from '../../src/provisioning/provisioning.port';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';
import { leftovers, readRoot } from '../provisioning/support';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/spawn-server';

/*
 * The real stack: Debian's nginx, php8.2-fpm and PowerDNS (gmysql) on loopback high ports, with
 * configs that include the app's rootDir and read its MariaDB test database. Not part of
 * `npm test`; run with `npm run test:stack`. Driven through the HTTP API (POST/DELETE /api/v1/accounts) (root, network to Debian's mirror when packages are missing).
 */
process.env.DATABASE_URL ||= 'mariadb://root@127.0.0.1:3306/test';


function run(argv: string[]): { status: number; out: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const SERVER_IP = '192.0.2.44';

describe('real stack: nginx, php-fpm and PowerDNS serve what provisioning makes', () => {
  let t: TestApp;
  let dir: string;
  let root: string;
  let httpPort: number;
  let dnsPort: number;
  let nginxConf: string;
  let pdns: ChildProcess | undefined;

  before(async () => {
    execFileSync(join(REPO_ROOT, 'test/stack/install-deps.sh'), { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'hw-stack-'));
    httpPort = await freePort();
    dnsPort = await freePort();
    nginxConf = join(dir, 'nginx.conf');
    const dataDir = join(dir, 'data');
    root = join(dataDir, 'root');
    for (const sub of ['nginx-tmp', 'pdns']) mkdirSync(join(dir, sub), { recursive: true });
    mkdirSync(join(root, 'etc/nginx/sites-enabled'), { recursive: true });
    // The vhost includes `fastcgi_params` relative to the main config, as in Debian's /etc/nginx.
    copyFileSync('/etc/nginx/fastcgi_params', join(dir, 'fastcgi_params'));
    writeFileSync(
      nginxConf,
      `user root;
worker_processes 1;
daemon on;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${dir}/nginx-tmp/body;
  proxy_temp_path ${dir}/nginx-tmp/proxy;
  fastcgi_temp_path ${dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${dir}/nginx-tmp/uwsgi;
  scgi_temp_path ${dir}/nginx-tmp/scgi;
  server { listen 127.0.0.1:${httpPort} default_server; return 404; }
  include ${root}/etc/nginx/sites-enabled/*.conf;
}
`,
    );
    const nginx = ['nginx', '-c', nginxConf, '-p', dir];
    assert.equal(run([...nginx, '-t']).status, 0, run([...nginx, '-t']).out);
    execFileSync(nginx[0], nginx.slice(1));

    t = await startTestApp({
      dataDir,
      env: {
        HW_SERVER_IP: SERVER_IP,
        HW_NAMESERVERS: 'ns1.stack.example.net,ns2.stack.example.net',
        HW_NGINX_LISTEN: `127.0.0.1:${httpPort}`,
        HW_NGINX_TEST_CMD: JSON.stringify([...nginx, '-t', '-q']),
        HW_NGINX_RELOAD_CMD: JSON.stringify([...nginx, '-s', 'reload']),
      },
    });

    const db = t.database.config;
    assert.equal(db.type, 'mariadb');
    if (db.type !== 'mariadb') return;
    writeFileSync(
      join(dir, 'pdns', 'pdns.conf'),
      [
        'launch=gmysql',
        `gmysql-host=${db.host}`,
        `gmysql-port=${db.port}`,
        `gmysql-user=${db.username}`,
        `gmysql-password=${db.password}`,
        `gmysql-dbname=${db.database}`,
        'gmysql-dnssec=no',
        'local-address=127.0.0.1',
        `local-port=${dnsPort}`,
        `socket-dir=${join(dir, 'pdns')}`,
        'daemon=no',
        'guardian=no',
        'disable-syslog=yes',
        'webserver=no',
        'api=no',
        'cache-ttl=0',
        'negquery-cache-ttl=0',
        'query-cache-ttl=0',
        'zone-cache-refresh-interval=0',
        'loglevel=3',
        '',
      ].join('\n'),
    );
    pdns = spawn('pdns_server', [`--config-dir=${join(dir, 'pdns')}`], { stdio: 'ignore' });
    await waitFor(() => run(['dig', '@127.0.0.1', '-p', String(dnsPort), '+time=1', '+tries=1', 'version.bind', 'TXT', 'CH']).status === 0, 'PowerDNS to answer');
  });

  after(async () => {
    spawnSync('nginx', ['-c', nginxConf, '-p', dir, '-s', 'quit']);
    pdns?.kill('SIGTERM');
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One request: `<status> <body>` (a reload is asynchronous, so callers poll until the new config answers). */
  const get = (domain: string) => {
    const out = run(['curl', '-s', '-w', '\n%{http_code}', '-H', `Host: ${domain}`, `http://127.0.0.1:${httpPort}/`]).out;
    const cut = out.lastIndexOf('\n');
    return { status: out.slice(cut + 1), body: out.slice(0, cut) };
  };
  const answers = (domain: string, status: string, text: RegExp) => () => {
    const r = get(domain);
    return r.status === status && text.test(r.body);
  };
  const dig = (name: string, type = 'A') => run(['dig', '@127.0.0.1', '-p', String(dnsPort), '+time=2', '+tries=1', name, type]).out;
  const digShort = (name: string, type = 'A') => run(['dig', '@127.0.0.1', '-p', String(dnsPort), '+short', '+time=2', '+tries=1', name, type]).out.trim();

  test('create → welcome page over nginx, zone over PowerDNS, pool passes php-fpm8.2 -t; suspend → 503; unsuspend → 200; delete → gone', async () => {
    const a: AccountTarget = { id: 0, username: 'stackuser', domain: 'stack-site.example.org', email: 'owner@example.net', phpVersion: '8.2' };
    const created = await t.call('POST', '/api/v1/accounts', { body: { username: a.username, domain: a.domain, email: a.email, password: 'correct horse battery', package_id: 1 } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;

    await waitFor(answers(a.domain, '200', new RegExp(`<h1>Welcome to ${a.domain.replace(/\./g, '\\.')}</h1>`)), 'nginx to serve the welcome page');
    assert.equal(digShort(a.domain), SERVER_IP);
    assert.equal(digShort(`www.${a.domain}`), SERVER_IP);
    assert.equal(digShort(a.domain, 'MX'), `10 mail.${a.domain}.`);
    assert.match(digShort(a.domain, 'NS'), /ns1\.stack\.example\.net\./);
    assert.match(digShort(a.domain, 'TXT'), /v=spf1 a mx ~all/);

    // php-fpm8.2 -t on a main config that includes the pool; it sees rootDir's users through a private mount namespace.
    const fpmConf = join(dir, 'php-fpm.conf');
    writeFileSync(fpmConf, `[global]\npid = ${dir}/php-fpm.pid\nerror_log = ${dir}/php-fpm.log\ninclude = ${root}/etc/php/8.2/fpm/pool.d/*.conf\n`);
    const merged = (file: string) => {
      const path = join(dir, file.replace(/\//g, '_'));
      const extra = readRoot(root, `etc/${file}`)!.split('\n').filter((l) => l.startsWith(`${a.username}:`));
      writeFileSync(path, `${readFileSync(`/etc/${file}`, 'utf8').replace(/\n?$/, '\n')}${extra.join('\n')}\n`);
      return path;
    };
    const fpm = run(['unshare', '-m', '--', 'sh', '-c', 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && exec php-fpm8.2 -t -y "$3"', 'sh', merged('passwd'), merged('group'), fpmConf]);
    assert.equal(fpm.status, 0, fpm.out);
    assert.match(fpm.out, /test is successful/);

    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/suspend`)).status, 200);
    await waitFor(answers(a.domain, '503', /This account is suspended/), 'nginx to answer 503 for the suspended account');

    assert.equal((await t.call('POST', `/api/v1/accounts/${id}/unsuspend`)).status, 200);
    await waitFor(answers(a.domain, '200', /Welcome to/), 'nginx to answer 200 again');

    assert.equal((await t.call('DELETE', `/api/v1/accounts/${id}`)).status, 204);
    assert.equal(readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`), null);
    await waitFor(() => get(a.domain).status === '404', 'nginx to stop serving the vhost (the default server answers 404)');
    const answer = dig(a.domain);
    assert.match(answer, /status: REFUSED|ANSWER: 0/);
    assert.equal(digShort(a.domain), '');
    assert.deepEqual(leftovers(root, a), []);
  });
});
