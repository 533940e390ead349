import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestApp, REPO_ROOT, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { freePort } from '../support/spawn-server';
import { waitFor } from '../support/wait-for';

/*
 * Mail and SFTP on Debian's own daemons, configured with the files README installs
 * (templates/mail/…, the MariaDB variant and the SQLite one, values substituted for this test's
 * database, ports and rootDir): Postfix (`postfix -c`, its own queue and data dirs), Dovecot (`dovecot -c`) and sshd
 * (`sshd -f`) on loopback high ports. sshd runs in a private mount namespace whose /etc/passwd,
 * /etc/group and /etc/shadow are the host's plus rootDir's users (rewritten in place before each
 * login), and /home is rootDir's, so it authenticates the accounts the API made with the
 * passwords the API set. Not part of `npm test`: `npm run test:stack` (root).
 */
const MARIADB_URL = process.env.DATABASE_URL || 'mariadb://root@127.0.0.1:3306/test';

/** A line-oriented client for SMTP and IMAP: send a line, read until `done` says the answer is complete. */
class LineClient {
  private buffer = '';
  private waiter: (() => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new LineClient(socket)));
      socket.once('error', reject);
    });
  }

  async read(done: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.buffer)) {
      if (Date.now() > deadline) throw new Error(`no complete answer; got ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 200);
      });
    }
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  async send(line: string, done: (text: string) => boolean): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.read(done);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A complete SMTP reply: its last line is `NNN ` (not `NNN-`). */
const smtpDone = (text: string) => /(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(text);

type Variant = 'mysql' | 'sqlite';

/**
 * The SQLite install as README has it: the state dir 0751 (StateDirectoryMode), the database in
 * its own dir 2770 group postfix (Postfix's virtual agent looks up as postfix:postfix with no
 * supplementary groups), written by the panel under its unit's umask 0027.
 */
function sqliteDataDir(dir: string): { dataDir: string; database: TestDatabase; dbDir: string } {
  const dataDir = join(dir, 'lib-hostwright');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o751);
  const dbDir = join(dataDir, 'db');
  mkdirSync(dbDir);
  execFileSync('chgrp', ['postfix', dbDir]);
  chmodSync(dbDir, 0o2770);
  return { dataDir, dbDir, database: { config: { type: 'sqlite', path: join(dbDir, 'hostwright.sqlite') }, drop: async () => undefined } };
}

function mailStack(variant: Variant): void {
  describe(`real stack (${variant}): Postfix, Dovecot${variant === 'mysql' ? ' and sshd' : ''} on the panel database and rootDir`, () => {
    const withSsh = variant === 'mysql';
    let t: TestApp;
    let dir: string;
    let root: string;
    let smtpPort: number;
    let imapPort: number;
    let sshPort: number;
    let dovecot: ChildProcess | undefined;
    let sshd: ChildProcess | undefined;
    let sshLog = '';
    const postfixDir = () => join(dir, 'postfix');

    before(async () => {
      execFileSync(join(REPO_ROOT, 'test/stack/install-deps.sh'), { stdio: 'inherit' });
      dir = mkdtempSync(join(tmpdir(), 'hw-mail-stack-'));
      chmodSync(dir, 0o755);
      [smtpPort, imapPort, sshPort] = [await freePort(), await freePort(), await freePort()];
      // vmail (5000) walks down to rootDir's /var/mail/vdomains.
      const rootDir = join(dir, 'root');
      if (variant === 'mysql') {
        const dataDir = join(dir, 'data');
        mkdirSync(dataDir, { mode: 0o755 });
        chmodSync(dataDir, 0o755);
        process.env.DATABASE_URL = MARIADB_URL;
        t = await startTestApp({ dataDir, database: await createTestDatabase(), env: { HW_ROOT_DIR: rootDir } });
        delete process.env.DATABASE_URL;
      } else {
        const umask = process.umask(0o027);
        const { dataDir, database, dbDir } = sqliteDataDir(dir);
        t = await startTestApp({ dataDir, database, env: { HW_ROOT_DIR: rootDir } });
        process.umask(umask);
        // README: after the first start, the database and its -wal/-shm group-writable (SQLite gives new -wal/-shm the database's mode).
        for (const f of readdirSync(dbDir)) chmodSync(join(dbDir, f), 0o660);
      }
      root = t.config.provisioning.rootDir;
      const db = t.database.config;

      // README's files, as installed, with this test's values.
      const install = (source: string, target: string, extra: [string | RegExp, string][] = []) => {
        let text = readFileSync(join(REPO_ROOT, 'templates/mail', source), 'utf8');
        if (db.type === 'sqlite') text = text.replaceAll('/var/lib/hostwright/db/hostwright.sqlite', db.path).replaceAll('proxy:mysql:', 'proxy:sqlite:');
        else {
          text = text
            .replaceAll('inet:127.0.0.1:3306', `inet:${db.host}:${db.port}`)
            .replaceAll('host=127.0.0.1 port=3306', `host=${db.host} port=${db.port}`)
            .replaceAll('user = hostwright_mail', `user = ${db.username}`)
            .replaceAll('user=hostwright_mail', `user=${db.username}`)
            .replaceAll('password = MAIL-DB-PASSWORD', `password = ${db.password}`)
            .replaceAll(' password=MAIL-DB-PASSWORD', db.password ? ` password=${db.password}` : '')
            .replaceAll('dbname = hostwright', `dbname = ${db.database}`)
            .replaceAll('dbname=hostwright', `dbname=${db.database}`);
        }
        text = text
          .replaceAll('/var/mail/vdomains', `${root}/var/mail/vdomains`)
          .replaceAll('/etc/postfix/hostwright/', `${postfixDir()}/hostwright/`)
          .replaceAll('/etc/dovecot/hostwright-sql.conf.ext', join(dir, 'dovecot', 'hostwright-sql.conf.ext'));
        for (const [from, to] of extra) text = text.replace(from, to);
        writeFileSync(target, text);
      };

      // Postfix: Debian's master.cf (smtpd on our port, no chroot: the queue dir is a temp dir) and main.cf, plus README's lines.
      mkdirSync(join(postfixDir(), 'hostwright'), { recursive: true });
      for (const f of ['domains.cf', 'mailboxes.cf', 'suspended.cf', 'aliases.cf']) install(`${variant}/${f}`, join(postfixDir(), 'hostwright', f));
      const master = readFileSync('/etc/postfix/master.cf', 'utf8')
        .replace(/^smtp\s+inet\s.*$/m, `127.0.0.1:${smtpPort} inet n - n - - smtpd`)
        .replace(/^(\S+\s+(?:unix|fifo|inet|unix-dgram|pass)\s+\S+\s+\S+\s+)y(\s)/gm, '$1n$2');
      writeFileSync(join(postfixDir(), 'master.cf'), master);
      install('postfix-main.cf', join(dir, 'hostwright-main.cf'));
      writeFileSync(
        join(postfixDir(), 'main.cf'),
        [
          'compatibility_level = 3.6',
          `queue_directory = ${dir}/postfix-spool`,
          `data_directory = ${dir}/postfix-data`,
          'mail_owner = postfix',
          'setgid_group = postdrop',
          'myhostname = mail.stack.example.net',
          'inet_interfaces = 127.0.0.1',
          'inet_protocols = ipv4',
          // The test client is "the internet": not in mynetworks, so a deleted domain is refused, not relayed.
          'mynetworks = 192.0.2.1/32',
          'alias_maps =',
          'alias_database =',
          'smtputf8_enable = no',
          `maillog_file = ${join(dir, 'postfix.log')}`,
          `maillog_file_prefixes = ${dir}`,
          readFileSync(join(dir, 'hostwright-main.cf'), 'utf8'),
        ].join('\n'),
      );
      mkdirSync(join(dir, 'postfix-spool'), { recursive: true });
      mkdirSync(join(dir, 'postfix-data'), { recursive: true });
      execFileSync('chown', ['postfix', join(dir, 'postfix-data')]);
      const pf = (...args: string[]) => spawnSync('postfix', ['-c', postfixDir(), ...args], { encoding: 'utf8' });
      const check = pf('check');
      assert.equal(check.status, 0, `postfix check: ${check.stdout}${check.stderr}`);
      const started = pf('start');
      assert.equal(started.status, 0, `postfix start: ${started.stdout}${started.stderr}`);

      // Dovecot: README's conf file and SQL file, a minimal instance around them.
      mkdirSync(join(dir, 'dovecot'), { recursive: true });
      install(`${variant}/dovecot-sql.conf.ext`, join(dir, 'dovecot', 'hostwright-sql.conf.ext'));
      install('dovecot-hostwright.conf', join(dir, 'dovecot', 'hostwright.conf'));
      writeFileSync(
        join(dir, 'dovecot', 'dovecot.conf'),
        [
          `base_dir = ${dir}/dovecot-run`,
          `state_dir = ${dir}/dovecot-state`,
          `log_path = ${dir}/dovecot.log`,
          'protocols = imap',
          'listen = 127.0.0.1',
          'ssl = no',
          'disable_plaintext_auth = no',
          `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
          `!include ${join(dir, 'dovecot', 'hostwright.conf')}`,
          '',
        ].join('\n'),
      );
      dovecot = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot', 'dovecot.conf')], { stdio: 'ignore' });

      if (withSsh) await startSshd();
      await waitFor(
        async () =>
          await LineClient.open(smtpPort)
            .then((c) => (c.close(), true))
            .catch(() => false),
        'Postfix to listen',
      );
      await waitFor(
        async () =>
          await LineClient.open(imapPort)
            .then((c) => (c.close(), true))
            .catch(() => false),
        'Dovecot to listen',
      );
    });

    /** sshd: README's drop-in after a config of its own (port, host key, pid file), Debian's PAM stack. */
    async function startSshd(): Promise<void> {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'ssh_host_ed25519_key')]);
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
      writeFileSync(
        join(dir, 'sshd_config'),
        [
          readFileSync(join(REPO_ROOT, 'templates/mail/sshd-hostwright.conf'), 'utf8'),
          `Port ${sshPort}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
          `PidFile ${join(dir, 'sshd.pid')}`,
          // Debian's own sftp-server, as in its sshd_config.
          'Subsystem sftp /usr/lib/openssh/sftp-server',
          '',
        ].join('\n'),
      );
      const sshScript = join(dir, 'sshd.sh');
      writeFileSync(
        sshScript,
        `#!/bin/sh
# sync | start: sshd seeing the host's users plus rootDir's (passwd, group, shadow) and rootDir's /home.
set -e
D='${dir}'
R='${root}'
merge() { { cat "/etc/$1"; grep -v '^root:' "$R/etc/$1" 2>/dev/null || true; } > "$D/$1.new" && { cmp -s "$D/$1.new" "$D/$1" || cat "$D/$1.new" > "$D/$1"; }; }
merge passwd; merge group; merge shadow
chmod 0640 "$D/shadow"
case "$1" in
  start) mkdir -p "$R/home"; exec unshare -m -- sh -c 'mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group && mount --bind "$1/shadow" /etc/shadow && mount --bind "$2/home" /home && exec /usr/sbin/sshd -D -e -f "$1/sshd_config"' sh "$D" "$R" ;;
esac
`,
      );
      chmodSync(sshScript, 0o755);
      execFileSync(sshScript, ['sync']);
      sshd = spawn(sshScript, ['start'], { stdio: ['ignore', 'ignore', 'pipe'] });
      sshd.stderr!.on('data', (c: Buffer) => (sshLog += c.toString()));
      await waitFor(
        async () =>
          await LineClient.open(sshPort)
            .then((c) => (c.close(), true))
            .catch(() => false),
        `sshd to listen (${sshLog})`,
      );
    }

    after(async () => {
      for (const log of ['postfix.log', 'dovecot.log']) {
        const bad = existsSync(join(dir, log))
          ? readFileSync(join(dir, log), 'utf8')
              .split('\n')
              .filter((l) => /fatal|panic|error|warning/i.test(l))
          : [];
        if (bad.length) {
          process.stdout.write(
            `# ${log}:\n${bad
              .slice(-15)
              .map((l) => `#   ${l}`)
              .join('\n')}\n`,
          );
        }
      }
      spawnSync('postfix', ['-c', postfixDir(), 'stop']);
      dovecot?.kill('SIGTERM');
      if (existsSync(join(dir, 'sshd.pid'))) spawnSync('kill', [readFileSync(join(dir, 'sshd.pid'), 'utf8').trim()]);
      sshd?.kill('SIGTERM');
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The SMTP answer to RCPT TO (after EHLO and MAIL FROM); with `message`, DATA too when RCPT was accepted. */
    async function smtp(to: string, message?: string): Promise<{ rcpt: string; data?: string }> {
      const c = await LineClient.open(smtpPort);
      try {
        await c.read(smtpDone);
        await c.send('EHLO client.example.org', smtpDone);
        await c.send('MAIL FROM:<sender@client.example.org>', smtpDone);
        const rcpt = (await c.send(`RCPT TO:<${to}>`, smtpDone)).trim();
        if (!message || !rcpt.startsWith('250')) return { rcpt };
        await c.send('DATA', smtpDone);
        const data = (await c.send(`Subject: stack test\r\nFrom: sender@client.example.org\r\nTo: ${to}\r\n\r\n${message}\r\n.`, smtpDone)).trim();
        await c.send('QUIT', smtpDone).catch(() => '');
        return { rcpt, data };
      } finally {
        c.close();
      }
    }

    /** IMAP LOGIN; when it succeeds, the body of message 1 of INBOX (null when empty). */
    async function imap(user: string, password: string): Promise<{ login: string; body?: string }> {
      const c = await LineClient.open(imapPort);
      const tagged = (tag: string) => (text: string) => new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n$`).test(text);
      try {
        await c.read((text) => text.includes('\r\n'));
        const login = await c.send(`a LOGIN "${user}" "${password}"`, tagged('a'));
        if (!/(^|\r\n)a OK/.test(login)) return { login };
        await c.send('b SELECT INBOX', tagged('b'));
        const body = await c.send('c FETCH 1 BODY[]', tagged('c'));
        await c.send('d LOGOUT', tagged('d')).catch(() => '');
        return { login, body };
      } finally {
        c.close();
      }
    }

    /** An SFTP session with the password (sshpass reads it from the environment, not argv): its exit status and output. */
    function sftp(user: string, password: string): { status: number; out: string } {
      if (!withSsh) return { status: -1, out: 'no sshd in this variant' };
      execFileSync(join(dir, 'sshd.sh'), ['sync']);
      const r = spawnSync(
        'sshpass',
        [
          '-e',
          'sftp',
          '-P',
          String(sshPort),
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'PubkeyAuthentication=no',
          '-o',
          'PreferredAuthentications=password',
          '-o',
          'NumberOfPasswordPrompts=1',
          `${user}@127.0.0.1`,
        ],
        // Commands on stdin, not -b: a batch file turns on BatchMode, which never offers a password.
        { encoding: 'utf8', input: 'pwd\n', env: { ...process.env, SSHPASS: password }, timeout: 20_000 },
      );
      return { status: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
    }

    const call = (method: string, url: string, body?: unknown) => t.call(method, url, body === undefined ? {} : { body });

    test('RCPT 250 and delivery to the Maildir, IMAP login and fetch, SFTP with the account password; suspend → 450, IMAP and SFTP refused; unsuspend → back; delete → 550', async () => {
      const password = 'Stack-Mail-Pass-42';
      const created = await call('POST', '/api/v1/accounts', { username: 'mailstack', domain: 'mailstack.example.org', email: 'o@example.net', password, package_id: 1 });
      assert.equal(created.status, 201, created.text);
      const { id, username, domain } = created.body.data;
      const box = await call('POST', `/api/v1/accounts/${id}/mailboxes`, { local_part: 'info', password: 'Info-Box-Pass-7' });
      assert.equal(box.status, 201, box.text);

      // Delivered by Postfix's virtual agent as vmail into the Maildir, read by Dovecot with the mailbox's password.
      const sent = await smtp(`info@${domain}`, 'hello-from-the-stack-7c1');
      assert.match(sent.rcpt, /^250 /);
      assert.match(sent.data ?? '', /^250 /);
      const newDir = join(root, `var/mail/vdomains/${domain}/info/new`);
      await waitFor(() => existsSync(newDir) && readdirSync(newDir).length === 1, 'the message in the Maildir');
      const fetched = await imap(`info@${domain}`, 'Info-Box-Pass-7');
      assert.match(fetched.login, /a OK/);
      assert.ok(fetched.body?.includes('hello-from-the-stack-7c1'), fetched.body);
      assert.doesNotMatch((await imap(`info@${domain}`, 'wrong-password-1')).login, /a OK/);
      // A forwarder: accepted and delivered to its destination mailbox, with no reload.
      const alias = await call('POST', `/api/v1/accounts/${id}/mail/aliases`, { local_part: 'sales', destinations: [`info@${domain}`] });
      assert.equal(alias.status, 201, alias.text);
      const forwarded = await smtp(`sales@${domain}`, 'forwarded-by-the-alias-3d9');
      assert.match(forwarded.rcpt, /^250 /);
      assert.match(forwarded.data ?? '', /^250 /);
      // (IMAP's SELECT moved the first message to cur/.)
      await waitFor(
        () => readdirSync(newDir).some((f) => readFileSync(join(newDir, f), 'utf8').includes('forwarded-by-the-alias-3d9')),
        'the forwarded message in the Maildir',
      );
      // The primary mailbox and the Linux user take the account password.
      assert.match((await smtp(`${username}@${domain}`)).rcpt, /^250 /);
      assert.match((await imap(`${username}@${domain}`, password)).login, /a OK/);
      const sftpOk = sftp(username, password);
      if (withSsh) assert.equal(sftpOk.status, 0, `${sftpOk.out}\nsshd: ${sshLog}`);
      assert.notEqual(sftp(username, 'not-the-password').status, 0);
      // Unknown mailbox of a known domain: 550 at once.
      assert.match((await smtp(`nobody@${domain}`)).rcpt, /^550 5\.1\.1 /);

      // A password change is effective for SFTP and the primary mailbox at once.
      assert.equal((await call('PATCH', `/api/v1/accounts/${id}`, { password: 'Stack-Changed-Pass-9' })).status, 200);
      if (withSsh) assert.equal(sftp(username, 'Stack-Changed-Pass-9').status, 0);
      assert.notEqual(sftp(username, password).status, 0);
      assert.match((await imap(`${username}@${domain}`, 'Stack-Changed-Pass-9')).login, /a OK/);

      // Suspended: RCPT 450 (senders retry), IMAP and SFTP refused, with no reload of anything.
      assert.equal((await call('POST', `/api/v1/accounts/${id}/suspend`, {})).status, 200);
      assert.match((await smtp(`info@${domain}`)).rcpt, /^450 4\.7\.1 /);
      assert.match((await smtp(`sales@${domain}`)).rcpt, /^450 4\.7\.1 /);
      assert.doesNotMatch((await imap(`info@${domain}`, 'Info-Box-Pass-7')).login, /a OK/);
      assert.notEqual(sftp(username, 'Stack-Changed-Pass-9').status, 0);

      // Unsuspended: everything back at once.
      assert.equal((await call('POST', `/api/v1/accounts/${id}/unsuspend`, {})).status, 200);
      assert.match((await smtp(`info@${domain}`)).rcpt, /^250 /);
      assert.match((await imap(`info@${domain}`, 'Info-Box-Pass-7')).login, /a OK/);
      if (withSsh) assert.equal(sftp(username, 'Stack-Changed-Pass-9').status, 0);

      assert.match((await smtp(`sales@${domain}`)).rcpt, /^250 /);
      // A deleted forwarder: 550 at once.
      assert.equal((await call('DELETE', `/api/v1/accounts/${id}/mail/aliases/sales`)).status, 204);
      assert.match((await smtp(`sales@${domain}`)).rcpt, /^550 5\.1\.1 /);

      // A deleted mailbox: 550 at once, its maildir gone.
      assert.equal((await call('DELETE', `/api/v1/accounts/${id}/mailboxes/info`)).status, 204);
      assert.match((await smtp(`info@${domain}`)).rcpt, /^550 5\.1\.1 /);
      assert.equal(existsSync(join(root, `var/mail/vdomains/${domain}/info`)), false);

      // A deleted account: 550 for its domain, the mail gone, no login.
      assert.equal((await call('DELETE', `/api/v1/accounts/${id}`)).status, 204);
      assert.match((await smtp(`${username}@${domain}`)).rcpt, /^550 /);
      assert.doesNotMatch((await imap(`${username}@${domain}`, 'Stack-Changed-Pass-9')).login, /a OK/);
      assert.equal(existsSync(join(root, `var/mail/vdomains/${domain}`)), false);
      assert.notEqual(sftp(username, 'Stack-Changed-Pass-9').status, 0);
      // No lookup failed on the way (a proxymap or virtual that cannot open the database dies with `fatal`; Postfix retries quietly).
      assert.doesNotMatch(readFileSync(join(dir, 'postfix.log'), 'utf8'), /fatal|Permission denied/);
    });
  });
}

mailStack('mysql');
mailStack('sqlite');
