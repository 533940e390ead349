import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SignatureVerifier, signatureHeaders } from '../../src/agent-protocol/hmac';
import { CommandFailedError, runCommand } from '../../src/agent/system/command-runner';
import { parsePlan } from '../../src/agent-protocol/plan';
import { ReloadCoalescer, ReloadFailedError } from '../../src/agent/system/reload-coalescer';
import { nginxGeneration, phpFpmGeneration, poolListen } from '../../src/agent/system/reload-wait';
import { waitFor } from '../support/wait-for';
import { assertSafeValue, UnsafeValueError } from '../../src/agent-protocol/safe-values';
import { TemplateRenderer } from '../../src/agent/system/template-renderer';
import { zoneRecords } from '../../src/agent/system/dns-zone';
import { DISABLED_FUNCTIONS, values } from '../../src/agent/steps/create-steps';
import { REPO_ROOT } from '../support/test-app';

const renderer = new TemplateRenderer(join(REPO_ROOT, 'templates'), { root: '/srv/root', listen: '80' });
const good = { username: 'alice', domain: 'alice.example.com', email: 'alice@example.com', php_version: '8.2' };

describe('template renderer and its wall', () => {
  test('renders the templates with values as-is (no HTML escaping) and the operator settings', () => {
    const vhost = renderer.render('nginx-vhost.conf', good);
    assert.match(vhost, /server_name alice\.example\.com www\.alice\.example\.com;/);
    assert.match(vhost, /root \/srv\/root\/home\/alice\/public_html;/);
    assert.match(vhost, /listen 80;/);
    const amp = new TemplateRenderer(join(REPO_ROOT, 'templates'), { root: '', listen: '80' }).render('index.html', { ...good, domain: 'a=b' });
    assert.ok(amp.includes('Welcome to a=b'), 'no HTML escaping (mustache would write &#x3D;)');
  });

  test('refuses newline, quote, brace, semicolon, slash, "..", control characters — before reading any template', () => {
    const bad = ['a\nb', 'a\rb', 'a"b', "a'b", 'a{b', 'a}b', 'a;b', 'a/b', 'a..b', 'a\u0000b', 'a\u0007b', 'a\u007fb', 'a\\b', 'a b', 'a`b', '', '-rf'];
    for (const value of bad) {
      assert.throws(() => renderer.render('nginx-vhost.conf', { ...good, domain: value }), UnsafeValueError, JSON.stringify(value));
      assert.throws(() => assertSafeValue('username', value), UnsafeValueError);
    }
    const missing = new TemplateRenderer('/nonexistent', { root: '', listen: '80' });
    assert.throws(() => missing.render('nginx-vhost.conf', { ...good, username: 'x;y' }), UnsafeValueError);
  });

  test("the pool: the web group on its socket, the exec family disabled, the account's home as open_basedir", () => {
    const pool = new TemplateRenderer(join(REPO_ROOT, 'templates'), { root: '/srv/root', listen: '80', webGroup: 'nginx' }).render('php-fpm-pool.conf', values(good));
    assert.match(pool, /^listen = \/srv\/root\/run\/php\/hostwright-alice\.sock$/m, 'named by the username: a unix socket path holds 107 bytes');
    assert.match(pool, /^listen\.owner = root\nlisten\.group = nginx\nlisten\.mode = 0660$/m);
    assert.match(pool, /^php_admin_value\[open_basedir\] = \/srv\/root\/home\/alice\/$/m);
    assert.match(pool, new RegExp(`^php_admin_value\\[disable_functions\\] = ${DISABLED_FUNCTIONS}$`, 'm'));
    for (const f of ['exec', 'shell_exec', 'system', 'passthru', 'proc_open', 'popen', 'pcntl_exec']) assert.ok(DISABLED_FUNCTIONS.split(',').includes(f), f);
    assert.ok(renderer.render('nginx-vhost.conf', good).includes('fastcgi_pass unix:/srv/root/run/php/hostwright-alice.sock;'));
    assert.throws(() => new TemplateRenderer('/t', { root: '', listen: '80', webGroup: 'www;data' }), UnsafeValueError);
  });

  test('a zone whose SOA mailbox (hostmaster.{domain}) would pass 253 characters is refused', () => {
    const settings = { serverIp: '192.0.2.1', nameservers: ['ns1.example.net'] };
    const label = (c: string, n: number) => c.repeat(n);
    const d242 = [label('a', 63), label('b', 63), label('c', 63), label('d', 46), 'org'].join('.');
    assert.equal(d242.length, 242);
    assert.equal(zoneRecords(d242, settings)[0].content.split(' ')[1], `hostmaster.${d242}`);
    assert.throws(() => zoneRecords(`e${d242}`, settings), /too long for a zone/);
  });

  test('operator settings are walled too (no directive injection through HW_ROOT_DIR or HW_NGINX_LISTEN)', () => {
    assert.throws(() => new TemplateRenderer('/t', { root: '/srv;evil', listen: '80' }), UnsafeValueError);
    assert.throws(() => new TemplateRenderer('/t', { root: '/srv', listen: '80;\n' }), UnsafeValueError);
  });

  test('the agent rechecks a plan it receives: unknown steps, bad targets and shell text are refused', () => {
    const plan = { action: 'create', target: good, steps: [{ step: 'user', op: 'apply' }] };
    assert.equal(parsePlan(plan).target.username, 'alice');
    assert.throws(() => parsePlan({ ...plan, action: 'run' }), UnsafeValueError);
    assert.throws(() => parsePlan({ ...plan, steps: [{ step: 'rm -rf /', op: 'apply' }] }), UnsafeValueError);
    assert.throws(() => parsePlan({ ...plan, target: { ...good, username: 'Root' } }), UnsafeValueError);
    assert.throws(() => parsePlan({ ...plan, target: { ...good, domain: 'localhost' } }), UnsafeValueError);
    assert.throws(() => parsePlan({ ...plan, target: { ...good, domain: 'a.example.com\nserver{}' } }), UnsafeValueError);
  });
});

describe('HMAC signatures', () => {
  const secret = 's'.repeat(40);
  const body = '{"a":1}';
  test('a good signature passes once; tampering, staleness, replay and a wrong secret fail', () => {
    let now = 1_800_000_000_000;
    const verifier = new SignatureVerifier(secret, () => now);
    const headers = signatureHeaders(secret, 'POST', '/v1/plans', body, now);
    assert.equal(verifier.verify('POST', '/v1/plans', headers, body), true);
    assert.equal(verifier.verify('POST', '/v1/plans', headers, body), false, 'replayed nonce');
    const fresh = () => signatureHeaders(secret, 'POST', '/v1/plans', body, now);
    assert.equal(verifier.verify('POST', '/v1/plans', fresh(), '{"a":2}'), false, 'tampered body');
    assert.equal(verifier.verify('POST', '/v1/other', fresh(), body), false, 'other path');
    assert.equal(verifier.verify('PUT', '/v1/plans', fresh(), body), false, 'other method');
    assert.equal(verifier.verify('POST', '/v1/plans', signatureHeaders('w'.repeat(40), 'POST', '/v1/plans', body, now), body), false, 'wrong secret');
    assert.equal(verifier.verify('POST', '/v1/plans', signatureHeaders(secret, 'POST', '/v1/plans', body, now - 301_000), body), false, 'stale');
    assert.equal(verifier.verify('POST', '/v1/plans', signatureHeaders(secret, 'POST', '/v1/plans', body, now + 301_000), body), false, 'future');
    assert.equal(verifier.verify('POST', '/v1/plans', signatureHeaders(secret, 'POST', '/v1/plans', body, now - 299_000), body), true, 'inside the window');
    assert.equal(verifier.verify('POST', '/v1/plans', { ...fresh(), 'x-hw-signature': 'abc' }, body), false, 'short signature, no throw');
    assert.equal(verifier.verify('POST', '/v1/plans', {}, body), false, 'no headers');
    const late = fresh();
    now += 10 * 60_000;
    assert.equal(verifier.verify('POST', '/v1/plans', late, body), false, 'old request replayed after the window');
  });
});

/** A real command that counts its runs. */
function counter(): { argv: string[]; count: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'hw-count-'));
  const script = join(dir, 'count.sh');
  writeFileSync(script, '#!/bin/sh\necho run >> "$1"\n');
  chmodSync(script, 0o755);
  const log = join(dir, 'runs.log');
  return { argv: [script, log], count: () => (readdirSync(dir).includes('runs.log') ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) };
}

describe('reload coalescing (a real command that counts its runs)', () => {
  test('100 parallel requests cause at most 2 reloads; the test runs before each reload', async () => {
    const test = counter();
    const reload = counter();
    const reloads = new ReloadCoalescer({ nginxTest: test.argv, nginxReload: reload.argv, phpFpmReload: [] });
    await Promise.all(Array.from({ length: 100 }, () => reloads.request()));
    assert.ok(reload.count() >= 1 && reload.count() <= 2, `reloads: ${reload.count()}`);
    assert.equal(test.count(), reload.count());
    await reloads.request();
    assert.equal(reload.count(), test.count());
  });

  test('requests from plans still under way share one reload; a failing nginx -t fails every waiter and skips the reload', async () => {
    const reload = counter();
    const reloads = new ReloadCoalescer({ nginxTest: [], nginxReload: reload.argv, phpFpmReload: [] });
    const holds = Array.from({ length: 50 }, () => reloads.hold());
    const waits = holds.map(async (ticket, i) => {
      await runCommand(['true']);
      if (i % 2) await runCommand(['true']);
      ticket.release();
      return reloads.request();
    });
    await Promise.all(waits);
    assert.equal(reload.count(), 1);

    const failing = new ReloadCoalescer({ nginxTest: ['false'], nginxReload: reload.argv, phpFpmReload: [] });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => failing.request()));
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(reload.count(), 1, 'no reload after a failed test');
  });
});

describe('reload isolation: a failing shared test is narrowed down to the plans that cause it', () => {
  /** A test command that fails while any *.conf in `dir` says BAD (the stand-in for nginx -t); counts its runs. */
  function fakeTest(dir: string): string[] {
    const script = join(dir, 'test.sh');
    writeFileSync(script, `#!/bin/sh\necho run >> "${join(dir, 'tests.log')}"\nif grep -ls BAD "${dir}"/*.conf; then echo "BAD found" >&2; exit 1; fi\nexit 0\n`);
    chmodSync(script, 0o755);
    return [script];
  }
  const site = (dir: string, i: number, bad: boolean) => {
    const path = join(dir, `site${i}.conf`);
    writeFileSync(path, bad ? `server_name BAD${i};\n` : `server_name site${i};\n`);
    return path;
  };

  test('16 plans, 2 bad: exactly those 2 fail, held out; the 14 others reload once; the tests stay O(k log n)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-bisect-'));
    const reload = counter();
    const reloads = new ReloadCoalescer({ nginxTest: fakeTest(dir), nginxReload: reload.argv, phpFpmReload: [] }, { idleMs: 50 });
    const bad = new Set([3, 11]);
    const tickets = Array.from({ length: 16 }, (_, i) => reloads.hold([{ path: site(dir, i, bad.has(i)), service: 'nginx' }]));
    const results = await Promise.allSettled(
      tickets.map(async (ticket) => {
        ticket.release();
        return reloads.request(ticket);
      }),
    );
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, bad.has(i) ? 'rejected' : 'fulfilled', `plan ${i}`);
      if (r.status === 'rejected') {
        assert.ok(r.reason instanceof ReloadFailedError);
        assert.match(r.reason.message, /nginx configuration test fails with this plan's files: BAD found/);
      }
    }
    assert.equal(reload.count(), 1);
    assert.ok(reloads.tests <= 2 + 2 * 2 * Math.log2(16), `tests: ${reloads.tests}`);
    for (let i = 0; i < 16; i++) {
      const text = readFileSync(join(dir, `site${i}.conf`), 'utf8');
      if (bad.has(i)) assert.match(text, /^# Hostwright: held out of the configuration/);
      else assert.equal(text, `server_name site${i};\n`, 'good files are back byte for byte');
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('.hw-tmp-')),
      [],
    );
    for (const ticket of tickets) ticket.end();
  });

  test("a failure none of the plans' files causes fails them all and puts every file back; no reload", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-bisect-'));
    const reload = counter();
    const reloads = new ReloadCoalescer({ nginxTest: fakeTest(dir), nginxReload: reload.argv, phpFpmReload: [] }, { idleMs: 50 });
    site(dir, 99, true); // the operator's own file, not a plan's
    const tickets = Array.from({ length: 4 }, (_, i) => reloads.hold([{ path: site(dir, i, false), service: 'nginx' }]));
    const results = await Promise.allSettled(tickets.map((t) => (t.release(), reloads.request(t))));
    assert.ok(results.every((r) => r.status === 'rejected' && /the nginx configuration test failed: BAD found/.test(String(r.reason.message))));
    assert.equal(reload.count(), 0);
    for (let i = 0; i < 4; i++) assert.equal(readFileSync(join(dir, `site${i}.conf`), 'utf8'), `server_name site${i};\n`);
  });

  test('php-fpm -t: a failing pool never reaches the reload (which would stop the master); a plan still on its way whose pool is at fault fails as soon as it asks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-fpm-t-'));
    const reload = counter();
    const reloads = new ReloadCoalescer({ nginxTest: [], nginxReload: [], phpFpmTest: fakeTest(dir), phpFpmReload: reload.argv }, { idleMs: 20, maxWaitMs: 50 });
    const good = reloads.hold([{ path: site(dir, 1, false), service: 'php-fpm' }]);
    const late = reloads.hold([{ path: site(dir, 2, true), service: 'php-fpm' }]);
    good.release();
    await reloads.request(good);
    assert.equal(reload.count(), 1, 'the good pool is reloaded without waiting for the late plan');
    assert.match(readFileSync(join(dir, 'site2.conf'), 'utf8'), /^; Hostwright: held out/, "php-fpm's comment syntax");
    late.release();
    await assert.rejects(reloads.request(late), /php-fpm configuration test fails with this plan's files/);
    assert.equal(reload.count(), 1);
  });

  test('plans that change nginx only (suspend, unsuspend) neither test nor reload php-fpm', async () => {
    const [nginxTest, fpmTest, nginxReload, fpmReload] = [counter(), counter(), counter(), counter()];
    const reloads = new ReloadCoalescer({ nginxTest: nginxTest.argv, nginxReload: nginxReload.argv, phpFpmTest: fpmTest.argv, phpFpmReload: fpmReload.argv });
    const suspend = reloads.hold([], ['nginx']);
    suspend.release();
    await reloads.request(suspend);
    assert.deepEqual([nginxTest.count(), nginxReload.count(), fpmTest.count(), fpmReload.count()], [1, 1, 0, 0]);
    const create = reloads.hold([], ['nginx', 'php-fpm']);
    create.release();
    await reloads.request(create);
    assert.deepEqual([nginxTest.count(), nginxReload.count(), fpmTest.count(), fpmReload.count()], [2, 2, 1, 1]);
  });

  test('configuration writes wait while a reload tests and reloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-gate-'));
    const script = join(dir, 'slow.sh');
    writeFileSync(script, `#!/bin/sh\necho start >> "${dir}/order"\nsleep 0.3\necho end >> "${dir}/order"\n`);
    chmodSync(script, 0o755);
    const reloads = new ReloadCoalescer({ nginxTest: [script], nginxReload: [], phpFpmReload: [] });
    const reloading = reloads.request();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reloads.editing(async () => writeFileSync(join(dir, 'order'), 'write\n', { flag: 'a' }));
    await reloading;
    assert.deepEqual(readFileSync(join(dir, 'order'), 'utf8').split('\n').filter(Boolean), ['start', 'end', 'write']);
  });
});

describe('reload wait: a reload answers once it has taken effect', () => {
  /** A stand-in nginx master: two "nginx: worker process" children; on HUP two new ones, the old ones leave after `retireMs`. */
  function fakeMaster(dir: string, retireMs: number | null): { pidFile: string; stop: () => void } {
    const pidFile = join(dir, 'master.pid');
    const script = join(dir, 'master.sh');
    const onHup = retireMs === null ? "trap '' HUP" : `trap 'OLD=$W; start; (sleep ${retireMs / 1000}; kill $OLD) &' HUP`;
    writeFileSync(
      script,
      `#!/bin/bash\nstart() { W=""; for i in 1 2; do (exec -a 'nginx: worker process' sleep 600) & W="$W $!"; done; }\nstart\n${onHup}\ntrap 'kill $W $OLD 2>/dev/null; exit 0' TERM\necho $$ > "${pidFile}"\nwhile :; do sleep 0.02; done\n`,
    );
    chmodSync(script, 0o755);
    const child = spawn(script, [], { stdio: 'ignore' });
    return { pidFile, stop: () => child.kill('SIGTERM') };
  }
  const workers = (pidFile: string) =>
    readFileSync(`/proc/${readFileSync(pidFile, 'utf8').trim()}/task/${readFileSync(pidFile, 'utf8').trim()}/children`, 'utf8')
      .split(' ')
      .filter(Boolean);

  test('nginx: the request resolves only after the old workers stopped accepting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-wait-'));
    const master = fakeMaster(dir, 300);
    try {
      await waitFor(() => existsSync(master.pidFile) && workers(master.pidFile).length >= 2, 'the fake master');
      const old = await nginxGeneration(master.pidFile);
      assert.equal(old?.workers.length, 2);
      const reloads = new ReloadCoalescer(
        { nginxTest: [], nginxReload: ['sh', '-c', `kill -HUP "$(cat '${master.pidFile}')"`], phpFpmReload: [] },
        { wait: { nginxPidFile: master.pidFile, timeoutMs: 5000 } },
      );
      const started = Date.now();
      await reloads.request();
      assert.ok(Date.now() - started >= 250, `answered after ${Date.now() - started} ms, before the old workers left`);
      const cmdline = (pid: number) => (existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '');
      for (const pid of old!.workers) assert.ok(!cmdline(pid).includes('worker process'), `old worker ${pid} gone`);
    } finally {
      master.stop();
    }
  });

  test('nginx: a master that never retires its workers fails the reload after the timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-wait-'));
    const master = fakeMaster(dir, null);
    try {
      await waitFor(() => existsSync(master.pidFile) && workers(master.pidFile).length >= 2, 'the fake master');
      const reloads = new ReloadCoalescer(
        { nginxTest: [], nginxReload: ['sh', '-c', `kill -HUP "$(cat '${master.pidFile}')"`], phpFpmReload: [] },
        { wait: { nginxPidFile: master.pidFile, timeoutMs: 300 } },
      );
      await assert.rejects(
        reloads.request(),
        (e: unknown) => e instanceof ReloadFailedError && /still serves the old configuration 300 ms after the reload/.test(e.message),
      );
    } finally {
      master.stop();
    }
  });

  test('php-fpm: the request resolves once the master has re-executed itself and handles signals again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-wait-'));
    const pidFile = join(dir, 'fpm.pid');
    const script = join(dir, 'fpm.sh');
    // Re-executes itself on USR2, as php-fpm does; the new image takes 300 ms before it handles USR2 again.
    writeFileSync(script, `#!/bin/bash\necho "$$" > "${pidFile}"\n[ "$1" = again ] && sleep 0.3\ntrap 'exec "$0" again' USR2\nwhile :; do sleep 0.02; done\n`);
    chmodSync(script, 0o755);
    const child = spawn(script, [], { stdio: 'ignore' });
    try {
      await waitFor(async () => (await phpFpmGeneration(pidFile, 1000)) !== null, 'the fake master');
      const reloads = new ReloadCoalescer(
        { nginxTest: [], nginxReload: [], phpFpmReload: ['sh', '-c', `kill -USR2 "$(cat '${pidFile}')"`] },
        { wait: { nginxPidFile: join(dir, 'none.pid'), phpFpmPidFile: pidFile, timeoutMs: 5000 } },
      );
      const started = Date.now();
      await reloads.request();
      assert.ok(Date.now() - started >= 250, `answered after ${Date.now() - started} ms, while the master could not take a signal`);
      await reloads.request();
      await reloads.request();
      assert.equal(child.exitCode, null, 'back-to-back reloads never signal it mid-exec');
    } finally {
      child.kill('SIGKILL');
    }
  });

  test("php-fpm: the request resolves once the new pool's socket accepts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-wait-'));
    const socket = join(dir, 'pool.sock');
    const pool = join(dir, 'pool.conf');
    writeFileSync(pool, `[x]\nuser = x\nlisten = ${socket}\n`);
    assert.equal(poolListen(readFileSync(pool, 'utf8')), socket);
    const reloads = new ReloadCoalescer({ nginxTest: [], nginxReload: [], phpFpmReload: ['true'] }, { wait: { nginxPidFile: join(dir, 'none.pid'), timeoutMs: 5000 } });
    const ticket = reloads.hold([{ path: pool, service: 'php-fpm' }]);
    const server = createServer((c) => c.destroy());
    setTimeout(() => server.listen(socket), 300);
    const started = Date.now();
    ticket.release();
    await reloads.request(ticket);
    assert.ok(Date.now() - started >= 250, `answered after ${Date.now() - started} ms`);
    server.close();
  });
});

describe('command runner (through the relay process)', () => {
  test('argv is passed literally, never through a shell; output comes back', async () => {
    assert.equal(await runCommand(['echo', '$HOME;', '`id`', "a'b"]), "$HOME; `id` a'b\n");
  });

  test('a non-zero exit, a missing program and a timeout reject with CommandFailedError', async () => {
    await assert.rejects(runCommand(['sh', '-c', 'echo broken >&2; exit 3']), (e: unknown) => e instanceof CommandFailedError && e.detail === 'broken');
    await assert.rejects(runCommand(['/nonexistent/tool']), (e: unknown) => e instanceof CommandFailedError && /ENOENT/.test(e.detail));
    await assert.rejects(runCommand(['sleep', '30'], 200), CommandFailedError);
  });

  test('commands run in the relay, not as children of this process (no fork of a big heap)', async () => {
    const parent = Number(await runCommand(['sh', '-c', 'echo $PPID']));
    assert.ok(parent > 0);
    assert.notEqual(parent, process.pid);
  });

  test('a relay that dies fails the commands waiting on it; the next command starts a new one', async () => {
    const first = Number(await runCommand(['sh', '-c', 'echo $PPID']));
    const waiting = runCommand(['sleep', '10']);
    await assert.rejects(runCommand(['sh', '-c', 'kill -9 $PPID; sleep 10']), /relay stopped/);
    await assert.rejects(waiting, /relay stopped/);
    const second = Number(await runCommand(['sh', '-c', 'echo $PPID']));
    assert.notEqual(second, first);
  });
});
