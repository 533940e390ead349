import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error';
import { statusOf } from '../../src/common/errors/error-catalogue';
import { runCommand } from '../../src/agent/system/command-runner';
import { StepName } from '../../src/agent-protocol/plan';
import { AccountProvisioner, AccountTarget } from '../../src/provisioning/provisioning.port';
import { startTestApp, TestApp } from '../support/test-app';
import { faultOverride, dnsRows, insertAccount, leftovers, listTree, newTarget, readRoot } from './support';

const CREATE_STEPS: StepName[] = ['user', 'password', 'home', 'php_pool', 'vhost', 'dns', 'mail', 'reload'];

async function expectDomainError(work: Promise<unknown>, status: number, code: string): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof DomainError, `expected DomainError ${code}, got ${String(error)}`);
  assert.equal(statusOf(error.code), status);
  assert.equal(error.code, code);
  return error;
}

describe('provisioning: create, suspend, unsuspend, remove, faults (real files, real useradd, real DNS rows)', () => {
  let t: TestApp;
  let root: string;
  let provisioner: AccountProvisioner;
  const fault: { step: StepName | null } = { step: null };

  before(async () => {
    t = await startTestApp({
      override: faultOverride(fault),
    });
    root = t.config.provisioning.rootDir;
    provisioner = t.get(AccountProvisioner);
  });
  after(() => t.close());

  test('create makes the user, home, pool, vhost + link, DNS zone and mail entries', async () => {
    const a = await insertAccount(t, newTarget('mk'), 'provisioning');
    await provisioner.create(a);
    const { username: u, domain: d } = a;

    const passwd = readRoot(root, 'etc/passwd')!;
    const entry = passwd.split('\n').find((l) => l.startsWith(`${u}:`));
    assert.match(entry ?? '', new RegExp(`^${u}:x:\\d+:\\d+:hostwright:/home/${u}:/bin/bash$`));
    assert.match(readRoot(root, 'etc/group')!, new RegExp(`^${u}:x:\\d+:`, 'm'));
    assert.match(readRoot(root, 'etc/shadow')!, new RegExp(`^${u}:!:`, 'm'));

    for (const dir of [`home/${u}/`, `home/${u}/public_html/`, `home/${u}/logs/`, `home/${u}/tmp/`, `var/mail/vdomains/${d}/`]) {
      assert.ok(listTree(root).includes(dir), `${dir} exists`);
    }
    assert.match(readRoot(root, `home/${u}/public_html/index.html`)!, new RegExp(`Welcome to ${d.replace(/\./g, '\\.')}`));
    // The owner and nginx's group only (www-data): other accounts' uids cannot even enter the home.
    const [uid, gid] = entry!.split(':').slice(2, 4).map(Number);
    const webGid = Number(
      readFileSync('/etc/group', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('www-data:'))!
        .split(':')[2],
    );
    const asRoot = process.getuid?.() === 0;
    for (const [path, mode, group] of [
      [`home/${u}`, 0o710, webGid],
      [`home/${u}/public_html`, 0o2750, webGid],
      [`home/${u}/public_html/index.html`, 0o640, webGid],
      [`home/${u}/logs`, 0o750, gid],
      [`home/${u}/tmp`, 0o700, gid],
    ] as const) {
      const st = statSync(join(root, path));
      assert.equal((st.mode & 0o7777).toString(8), mode.toString(8), `${path} mode`);
      if (asRoot) assert.deepEqual([st.uid, st.gid], [uid, group], `${path} owner`);
    }

    const vhost = readRoot(root, `etc/nginx/sites-available/${d}.conf`)!;
    assert.match(vhost, new RegExp(`server_name ${d} www\\.${d};`));
    assert.ok(vhost.includes(`root ${root}/home/${u}/public_html;`));
    assert.equal(readlinkSync(join(root, `etc/nginx/sites-enabled/${d}.conf`)), `../sites-available/${d}.conf`);

    const pool = readRoot(root, `etc/php/8.2/fpm/pool.d/${d}.conf`)!;
    assert.ok(pool.includes(`[${d}]\nuser = ${u}\ngroup = ${u}\n`));
    assert.ok(pool.includes(`listen = ${root}/run/php/hostwright-${u}.sock\n`));
    assert.ok(vhost.includes(`fastcgi_pass unix:${root}/run/php/hostwright-${u}.sock;`));
    assert.match(pool, /^listen\.group = www-data$/m);
    assert.ok(pool.includes(`php_admin_value[open_basedir] = ${root}/home/${u}/\n`), 'the home only, not /tmp');
    assert.match(pool, /^php_admin_value\[disable_functions\] = exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec,/m);
    for (const key of ['session.save_path', 'upload_tmp_dir', 'sys_temp_dir']) assert.ok(pool.includes(`php_admin_value[${key}] = ${root}/home/${u}/tmp\n`), key);

    // Mail: the domain's row Postfix and Dovecot query, and a maildir parent vmail (5000) writes into under a traversable base.
    const ds = t.get(DataSource);
    assert.deepEqual(
      (await ds.query('SELECT account, active FROM mail_domains WHERE domain = ?', [d])).map((r: { account: string; active: number }) => [r.account, Number(r.active)]),
      [[u, 1]],
    );
    assert.equal((statSync(join(root, 'var/mail/vdomains')).mode & 0o7777).toString(8), '755');
    const maildir = statSync(join(root, `var/mail/vdomains/${d}`));
    assert.equal((maildir.mode & 0o7777).toString(8), '770');
    if (asRoot) assert.deepEqual([maildir.uid, maildir.gid], [5000, 5000]);
    for (const old of ['etc/postfix/vmailbox', 'etc/dovecot/users', 'etc/postfix/hostwright-suspended']) assert.equal(readRoot(root, old), null, `no ${old}`);

    const [zone] = await ds.query('SELECT id, type, account FROM domains WHERE name = ?', [d]);
    assert.equal(zone.type, 'NATIVE');
    assert.equal(zone.account, u);
    const records: { name: string; type: string; content: string; prio: number | null }[] = await ds.query(
      'SELECT name, type, content, prio FROM records WHERE domain_id = ? ORDER BY id',
      [zone.id],
    );
    const ip = t.config.provisioning.serverIp;
    assert.deepEqual(
      records.map((r) => `${r.name} ${r.type} ${r.type === 'SOA' ? r.content.split(' ').slice(0, 2).join(' ') : r.content}${r.prio ? ` ${r.prio}` : ''}`),
      [
        `${d} SOA ns1.hostwright.test hostmaster.${d}`,
        `${d} NS ns1.hostwright.test`,
        `${d} NS ns2.hostwright.test`,
        `${d} A ${ip}`,
        `www.${d} A ${ip}`,
        `mail.${d} A ${ip}`,
        `${d} MX mail.${d} 10`,
        `${d} TXT "v=spf1 a mx ~all"`,
      ],
    );
    await provisioner.remove(a);
  });

  test('suspend swaps in the 503 vhost, nologin shell, an expired user and deferred mail; unsuspend restores every byte', async () => {
    const a = await insertAccount(t, newTarget('sus'), 'provisioning');
    await provisioner.create(a);
    const files = ['etc/passwd', 'etc/shadow', 'etc/group', `etc/nginx/sites-available/${a.domain}.conf`];
    const mailActive = async () =>
      (await t.get(DataSource).query('SELECT active FROM mail_domains WHERE domain = ?', [a.domain])).map((r: { active: number }) => Number(r.active));
    const before = Object.fromEntries(files.map((f) => [f, readRoot(root, f)]));

    await provisioner.suspend(a);
    const vhost = readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`)!;
    assert.match(vhost, /return 503 /);
    assert.ok(!vhost.includes('fastcgi_pass'));
    assert.match(readRoot(root, 'etc/passwd')!, new RegExp(`^${a.username}:.*:/usr/sbin/nologin$`, 'm'));
    assert.equal(
      readRoot(root, 'etc/shadow')!
        .split('\n')
        .find((l) => l.startsWith(`${a.username}:`))!
        .split(':')[7],
      '1',
      'expired: no login by any method',
    );
    assert.deepEqual(await mailActive(), [0]);

    await provisioner.unsuspend(a);
    for (const f of files) assert.equal(readRoot(root, f), before[f], `${f} restored byte for byte`);
    assert.deepEqual(await mailActive(), [1]);
    await provisioner.remove(a);
  });

  test('remove deletes everything of seed 001 that create made, and is safe to repeat', async () => {
    const a = await insertAccount(t, newTarget('rm'), 'provisioning');
    await provisioner.create(a);
    await provisioner.suspend(a);
    const cert = join(root, `etc/letsencrypt/live/${a.domain}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(cert, { recursive: true }).then(() => fs.writeFile(join(cert, 'fullchain.pem'), 'x')));
    await provisioner.remove(a);
    assert.deepEqual(leftovers(root, a), []);
    assert.deepEqual(await dnsRows(t, a.domain), { domains: 0, records: 0 });
    await provisioner.remove(a);
    assert.deepEqual(leftovers(root, a), []);
  });

  test('a PHP version change moves the pool and puts it back when the reload fails', async () => {
    const a = await insertAccount(t, newTarget('php'), 'provisioning');
    await provisioner.create(a);
    const pool82 = `etc/php/8.2/fpm/pool.d/${a.domain}.conf`;
    const pool83 = `etc/php/8.3/fpm/pool.d/${a.domain}.conf`;
    const bytes = readRoot(root, pool82);
    fault.step = 'reload';
    try {
      await expectDomainError(provisioner.changePhpVersion({ ...a, phpVersion: '8.3' }, '8.2'), 500, 'provisioning_failed');
    } finally {
      fault.step = null;
    }
    assert.equal(readRoot(root, pool82), bytes);
    assert.equal(readRoot(root, pool83), null);
    await provisioner.changePhpVersion({ ...a, phpVersion: '8.3' }, '8.2');
    assert.equal(readRoot(root, pool82), null);
    assert.equal(readRoot(root, pool83), bytes, 'the pool does not name the version: same bytes');
    await provisioner.remove({ ...a, phpVersion: '8.3' });
    assert.deepEqual(leftovers(root, a), []);
  });

  test('dry run: plan() lists files, records and commands and writes nothing', async () => {
    const a = newTarget('dry');
    const before = listTree(root);
    const plan = await provisioner.plan(a);
    assert.deepEqual(plan.steps, CREATE_STEPS);
    assert.ok(plan.files.includes(join(root, `etc/nginx/sites-available/${a.domain}.conf`)));
    assert.ok(plan.files.includes(join(root, `etc/php/8.2/fpm/pool.d/${a.domain}.conf`)));
    assert.ok(plan.files.includes(`${join(root, `home/${a.username}`)}/`));
    assert.equal(plan.records.length, 8);
    assert.ok(plan.files.includes(join(root, 'etc/passwd')) && plan.files.includes(join(root, 'etc/shadow')), 'the user and its password');
    assert.deepEqual(listTree(root), before);
    assert.deepEqual(await dnsRows(t, a.domain), { domains: 0, records: 0 });
  });

  for (const [k, step] of CREATE_STEPS.entries()) {
    test(`a fault at step ${k + 1} (${step}) undoes the steps before it: no file, no DNS row, no passwd entry`, async () => {
      const a = await insertAccount(t, newTarget(`f${k}`), 'provisioning');
      fault.step = step;
      try {
        const error = await expectDomainError(provisioner.create(a), 500, 'provisioning_failed');
        assert.ok(error.message.includes(`"${step}"`));
      } finally {
        fault.step = null;
      }
      assert.deepEqual(leftovers(root, a), []);
      assert.deepEqual(await dnsRows(t, a.domain), { domains: 0, records: 0 });
    });
  }

  test('hostile names never reach the system: 422 and nothing written', async () => {
    const hostile: Partial<AccountTarget>[] = [
      { username: 'evil\nuser' },
      { username: '../etc' },
      { username: 'a;b' },
      { domain: 'x.example.org;include /etc/passwd' },
      { domain: 'x.example.org\n}' },
      { domain: '../../etc/passwd' },
      { domain: 'a"b.example.org' },
      { domain: 'a{b}.example.org' },
      { email: 'a@b.example.org\nX: y' },
      { phpVersion: '8.2/../../x' },
    ];
    const before = listTree(root);
    for (const bad of hostile) {
      const target = { ...newTarget('bad'), ...bad };
      await expectDomainError(provisioner.create(target), 422, 'validation_failed');
      await expectDomainError(provisioner.plan(target), 422, 'validation_failed');
    }
    assert.deepEqual(listTree(root), before);
  });

  test('a Linux user hostwright did not make is refused at create and never deleted', async () => {
    const a = await insertAccount(t, newTarget('sys'), 'provisioning');
    await runCommand(['useradd', '--prefix', root, '-M', '-c', 'system', '--', a.username]);
    const passwd = readRoot(root, 'etc/passwd');
    await expectDomainError(provisioner.create(a), 500, 'provisioning_failed');
    assert.equal(readRoot(root, 'etc/passwd'), passwd);
    await expectDomainError(provisioner.remove(a), 500, 'provisioning_failed');
    assert.equal(readRoot(root, 'etc/passwd'), passwd, 'still there after a delete');
    await runCommand(['userdel', '--prefix', root, '--', a.username]);
  });
});
