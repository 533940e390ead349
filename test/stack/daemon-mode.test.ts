import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { accountPaths } from '../../src/agent/system/account-paths';
import { createHostingAdmin, dropPrefixes, HostingAdmin, readmeSql, rootConnection, serverState, visibleDatabases } from '../support/hosting-db';
import { freePort, RunningServer, startServer, stopServer } from '../support/spawn-server';
import { startNginx, StackNginx } from '../support/stack-nginx';
import { REPO_ROOT } from '../support/test-app';
import { waitFor } from '../support/wait-for';

/*
 * Production's shape: the agent daemon (`node dist/src/agent/main.js`, root) and the panel
 * (`node dist/hostwright.js`) as two processes, the panel with HW_AGENT_URL and HTTPS on its
 * self-signed pair, driven over TLS by a plain HTTPS client that verifies that certificate. The
 * panel's database is made with README's recipe and reached with the URL README gives; the
 * hosting databases through README's hosting account, exactly its privileges. nginx serves what
 * the daemon writes under its rootDir.
 */
const ACCOUNT_PASSWORD = 'Acct-Pw-3e1d-daemon';
const DB_PASSWORD = 'Db-Pw-9b2c-daemon';
const OTHER_DB_PASSWORD = 'Db-Pw-5a0f-other';

function readmeLine(pattern: RegExp): string {
  const match = pattern.exec(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
  assert.ok(match, `README has ${pattern}`);
  return match[1];
}

/** Every file under a directory (not following links), as text. */
function allFiles(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => lstatSync(path).isFile())
    .map((path) => readFileSync(path, 'latin1'))
    .join('\n');
}

describe('daemon mode: the real panel over TLS, the real agent daemon, nginx and the hosting databases', () => {
  let dir: string;
  let root: string;
  let httpPort: number;
  let nginx: StackNginx | undefined;
  let agent: ChildProcess;
  let agentOut = '';
  let panel: RunningServer;
  let ca: Buffer;
  let token: string;
  let admin: HostingAdmin;
  let recipe: { user: string; database: string; password: string };
  const accounts: Record<string, { id: number; username: string; domain: string }> = {};

  before(async () => {
    execFileSync(join(REPO_ROOT, 'test/stack/install-deps.sh'), { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'hw-databases-daemon-'));
    chmodSync(dir, 0o755);
    root = join(dir, 'agent-data', 'root');
    httpPort = await freePort();
    mkdirSync(join(dir, 'agent-data', 'root'), { recursive: true });
    chmodSync(join(dir, 'agent-data'), 0o755);
    nginx = startNginx(dir, root, httpPort);

    // README's panel database recipe, its names made unique, and the URL README gives for it.
    const unique = `hwrcp${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
    recipe = { user: unique, database: unique, password: randomBytes(18).toString('base64url') };
    const conn = await rootConnection();
    for (const sql of readmeSql("'hostwright'@")) await conn.query(sql.replaceAll('hostwright', unique).replaceAll('a-long-random-password', recipe.password));
    await conn.end();
    const databaseUrl = readmeLine(/`DATABASE_URL=(mariadb:\/\/hostwright:a-long-random-password@[^`]+)`/)
      .replaceAll('hostwright', unique)
      .replace('a-long-random-password', recipe.password);
    assert.match(databaseUrl, /@127\.0\.0\.1:3306\//);

    admin = await createHostingAdmin();
    const secret = randomBytes(32).toString('hex');
    const agentPort = await freePort();
    const common = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      HW_AGENT_SECRET: secret,
      HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
      HW_LOG_LEVEL: 'info',
    };
    agent = spawn(process.execPath, [join(REPO_ROOT, 'dist/src/agent/main.js')], {
      cwd: dir,
      env: {
        ...common,
        HW_DATA_DIR: join(dir, 'agent-data'),
        HW_ROOT_DIR: root,
        HW_AGENT_HOST: '127.0.0.1',
        HW_AGENT_PORT: String(agentPort),
        HW_HOSTING_DB_URL: admin.url,
        HW_NGINX_LISTEN: `127.0.0.1:${httpPort}`,
        HW_NGINX_TEST_CMD: JSON.stringify([...nginx!.command, '-t', '-q']),
        HW_NGINX_RELOAD_CMD: JSON.stringify([...nginx!.command, '-s', 'reload']),
        HW_NGINX_PID_FILE: join(dir, 'nginx.pid'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout!.on('data', (chunk) => (agentOut += chunk));
    agent.stderr!.on('data', (chunk) => (agentOut += chunk));
    await waitFor(() => agentOut.includes('Hostwright agent listening on') || agent.exitCode !== null, 'the agent daemon to listen');
    assert.equal(agent.exitCode, null, agentOut);

    panel = await startServer({ ...common, HW_DATA_DIR: join(dir, 'panel-data'), HW_AGENT_URL: `http://127.0.0.1:${agentPort}` }, { inheritEnv: false, cwd: dir });
    assert.equal(panel.process.exitCode, null, panel.stdout() + panel.stderr());
    assert.match(panel.stdout(), /listening on https:/);
    ca = readFileSync(join(dir, 'panel-data', 'tls', 'cert.pem'));
    const first = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(panel.stdout());
    assert.ok(first, panel.stdout());
    token = first[1];
  });

  after(async () => {
    if (panel) await stopServer(panel);
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGTERM');
      await new Promise((resolve) => agent.once('exit', resolve));
    }
    nginx?.stop();
    const conn = await rootConnection().catch(() => null);
    if (conn && recipe) {
      await conn.query(`DROP DATABASE IF EXISTS \`${recipe.database}\``);
      await conn.query(`DROP USER IF EXISTS '${recipe.user}'@'127.0.0.1'`);
    }
    await conn?.end();
    await admin?.drop();
    await dropPrefixes(Object.values(accounts).map((a) => a.username));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The panel over TLS, verifying its self-signed certificate (SAN 127.0.0.1). */
  const api = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: any; text: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const req = httpsRequest({ host: '127.0.0.1', port: panel.port, method, path, headers, ca, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, body: text ? JSON.parse(text) : undefined });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });

  /** A site as nginx serves it. */
  const site = (domain: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: httpPort, path: '/', headers: { host: domain }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  const underRoot = (path: string) => join(root, path);

  test('create over TLS: the daemon writes the account under its rootDir and nginx serves it', async () => {
    for (const key of ['a', 'b']) {
      const username = `dm${process.pid.toString(36)}${key}`;
      const r = await api('POST', '/api/v1/accounts', {
        username,
        domain: `${username}.example.org`,
        email: `${username}@example.org`,
        password: ACCOUNT_PASSWORD,
        package_id: 1,
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.data.status, 'active');
      accounts[key] = r.body.data;
    }
    const a = accounts.a;
    const p = accountPaths({ ...a, php_version: '8.2' });
    assert.match(readFileSync(underRoot(p.vhost), 'utf8'), new RegExp(`server_name ${a.domain.replace(/\./g, '\\.')}`));
    assert.ok(existsSync(underRoot(p.pool)));
    assert.ok(statSync(underRoot(p.publicHtml)).isDirectory());
    assert.match(readFileSync(underRoot('/etc/passwd'), 'utf8'), new RegExp(`^${a.username}:`, 'm'));
    const served = await site(a.domain);
    assert.equal(served.status, 200);
    assert.match(served.body, new RegExp(`Welcome to ${a.domain.replace(/\./g, '\\.')}`));
    const read = await api('GET', `/api/v1/accounts/${a.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.status, 'active');
  });

  test('suspend → nginx answers 503 from the daemon’s vhost; unsuspend → 200 again', async () => {
    const a = accounts.a;
    const suspended = await api('POST', `/api/v1/accounts/${a.id}/suspend`, { reason: 'daemon test' });
    assert.equal(suspended.status, 200, suspended.text);
    assert.equal(suspended.body.data.status, 'suspended');
    assert.match(readFileSync(underRoot(accountPaths({ ...a, php_version: '8.2' }).vhost), 'utf8'), /\(suspended\)/);
    assert.equal((await site(a.domain)).status, 503);
    const back = await api('POST', `/api/v1/accounts/${a.id}/unsuspend`, {});
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.data.status, 'active');
    assert.equal((await site(a.domain)).status, 200);
  });

  test('hosting databases: a user made through the API logs in and sees its own database only', async () => {
    const { a, b } = accounts;
    for (const [acct, pw] of [
      [a, DB_PASSWORD],
      [b, OTHER_DB_PASSWORD],
    ] as const) {
      const db = await api('POST', `/api/v1/accounts/${acct.id}/databases`, { name: `${acct.username}_site` });
      assert.equal(db.status, 201, db.text);
      const user = await api('POST', `/api/v1/accounts/${acct.id}/database-users`, { name: `${acct.username}_web`, password: pw, databases: [`${acct.username}_site`] });
      assert.equal(user.status, 201, user.text);
    }
    assert.deepEqual(await visibleDatabases(`${a.username}_web`, DB_PASSWORD), [`${a.username}_site`]);
    assert.deepEqual(await visibleDatabases(`${b.username}_web`, OTHER_DB_PASSWORD), [`${b.username}_site`]);
    // The mariadb client, as an operator checks it (TCP to 127.0.0.1, the host the users are made at too).
    const cli = spawnSync('mariadb', ['-h127.0.0.1', `-u${a.username}_web`, `-p${DB_PASSWORD}`, '-N', '-e', 'SHOW DATABASES'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(cli.stdout.trim().split('\n').sort(), [`${a.username}_site`, 'information_schema'].sort());
    const other = spawnSync('mariadb', ['-h127.0.0.1', `-u${a.username}_web`, `-p${DB_PASSWORD}`, '-e', `USE \`${b.username}_site\``], { encoding: 'utf8' });
    assert.notEqual(other.status, 0);
    assert.match(other.stderr, /denied/);
  });

  test('delete → 204: files, vhost, databases and users gone on the server; the other account untouched', async () => {
    const { a, b } = accounts;
    const r = await api('DELETE', `/api/v1/accounts/${a.id}`);
    assert.equal(r.status, 204, r.text);
    const p = accountPaths({ ...a, php_version: '8.2' });
    for (const path of [p.vhost, p.vhostLink, p.pool, p.home]) assert.equal(existsSync(underRoot(path)), false, path);
    assert.doesNotMatch(readFileSync(underRoot('/etc/passwd'), 'utf8'), new RegExp(`^${a.username}:`, 'm'));
    assert.equal((await site(a.domain)).status, 404);
    assert.deepEqual(await serverState(a.username), { databases: [], users: [], grants: [] });
    assert.equal((await api('GET', `/api/v1/accounts/${a.id}`)).status, 404);
    const kept = await serverState(b.username);
    assert.deepEqual(kept.databases, [`${b.username}_site`]);
    assert.equal((await api('DELETE', `/api/v1/accounts/${b.id}`)).status, 204);
    assert.deepEqual(await serverState(b.username), { databases: [], users: [], grants: [] });
  });

  test('no password in the panel’s or the agent’s output, the panel’s rows or either data dir', async () => {
    // Both stopped first: their log lines are buffered until then.
    assert.equal(await stopServer(panel), 0);
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    const conn = await rootConnection();
    const [tables] = await conn.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [recipe.database]);
    let rows = '';
    for (const { name } of tables as { name: string }[]) rows += JSON.stringify((await conn.query(`SELECT * FROM \`${recipe.database}\`.\`${name}\``))[0]);
    await conn.end();
    assert.match(rows, /database-users/, 'the audit rows are there');
    const everything = [panel.stdout(), panel.stderr(), agentOut, rows, allFiles(join(dir, 'panel-data')), allFiles(join(dir, 'agent-data', 'agent'))].join('\n');
    for (const secret of [ACCOUNT_PASSWORD, DB_PASSWORD, OTHER_DB_PASSWORD]) assert.ok(!everything.includes(secret), 'a password was written down');
    assert.match(panel.stdout(), /"url":"\/api\/v1\/accounts\/\d+\/database-users"/);
  });
});
