import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DomainError } from '../../src/common/errors/domain-error';
import { AccountProvisioner, AccountTarget } from '../../src/provisioning/provisioning.port';
import { startTestApp, TestApp } from '../support/test-app';
import { countingCommand, dnsRows, insertAccount, leftovers, loggedRuns, newTarget, readRoot } from './support';

/**
 * Stands in for `nginx -t` with the default server_names_hash_bucket_size (64): it fails when an
 * enabled vhost names a host longer than 46 characters (www. + a domain of 43 or more), or when
 * the operator's own file `broken.conf` is there.
 */
function fakeNginxTest(dir: string, root: string): string {
  const script = join(dir, 'nginx-t.sh');
  writeFileSync(
    script,
    `#!/bin/sh
echo test >> "${join(dir, 'runs.log')}"
[ -e "${root}/etc/nginx/sites-enabled/broken.conf" ] && { echo 'nginx: [emerg] unknown directive "brokne"' >&2; exit 1; }
for f in "${root}"/etc/nginx/sites-enabled/*; do
  [ -e "$f" ] || continue
  awk '$1 == "server_name" { for (i = 2; i <= NF; i++) { n = $i; sub(/;$/, "", n); if (length(n) > 46) { print "nginx: [emerg] could not build server_names_hash, you should increase server_names_hash_bucket_size: 64" > "/dev/stderr"; exit 1 } } }' "$f" || exit 1
done
exit 0
`,
  );
  chmodSync(script, 0o755);
  return JSON.stringify([script]);
}

describe('one bad account never takes the others down: a failing shared nginx -t fails only the plans that cause it', () => {
  let t: TestApp;
  let root: string;
  let dir: string;
  let provisioner: AccountProvisioner;
  const runs = (name: string) => loggedRuns(dir, name);
  const longTarget = (prefix: string): AccountTarget => {
    const base = newTarget(prefix);
    return { ...base, domain: `${base.username}${'x'.repeat(43)}.example.org` };
  };
  const outcome = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => null,
      (e: unknown) => e,
    );
    if (error === null) return 'ok';
    return error instanceof DomainError ? error.code : String(error);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hw-isolate-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-data-'));
    root = join(dataDir, 'root');
    t = await startTestApp({
      dataDir,
      env: { HW_NGINX_TEST_CMD: fakeNginxTest(dir, root), HW_NGINX_RELOAD_CMD: countingCommand(dir, 'reload'), HW_RELOAD_WAIT: 'false' },
    });
    provisioner = t.get(AccountProvisioner);
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('8 parallel creates, 2 with a 43+ character domain: those 2 fail and leave nothing, the 6 others are created and reloaded once', async () => {
    const good = await Promise.all(Array.from({ length: 6 }, () => insertAccount(t, newTarget('ok'), 'provisioning')));
    const bad = [await insertAccount(t, longTarget('lg'), 'provisioning'), await insertAccount(t, longTarget('lh'), 'provisioning')];
    const all = [good[0], bad[0], ...good.slice(1, 4), bad[1], ...good.slice(4)];
    const results = await Promise.all(all.map((a) => outcome(provisioner.create(a))));
    const failedNeighbours = all.filter((a, i) => good.includes(a) && results[i] !== 'ok').length;
    process.stdout.write(`# neighbours failed by a bad create: ${failedNeighbours} of ${good.length}; nginx -t runs: ${runs('test')}\n`);
    assert.deepEqual(
      results,
      all.map((a) => (bad.includes(a) ? 'provisioning_failed' : 'ok')),
    );
    assert.equal(runs('reload'), 1, 'one reload for the good ones');
    // Bisection: 2 + 2·k·log2(n) = 14 runs for k = 2 of n = 8 in one batch (testing without each would take n + 1 per culprit).
    assert.ok(runs('test') <= 16, `tests run: ${runs('test')}`);
    for (const a of good) {
      const vhost = readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`);
      assert.match(vhost ?? '', new RegExp(`server_name ${a.domain} `), 'the good vhosts are in place, not held out');
      assert.ok(readRoot(root, `etc/php/8.2/fpm/pool.d/${a.domain}.conf`)?.includes(`[${a.domain}]`));
    }
    for (const a of bad) {
      assert.deepEqual(leftovers(root, a), []);
      assert.deepEqual(await dnsRows(t, a.domain), { domains: 0, records: 0 });
    }
    for (const a of good) await provisioner.remove(a);
  });

  test("a test that fails without any plan's files (the operator's own breakage) fails the plans, puts every file back, and they succeed once it is fixed", async () => {
    mkdirSync(join(root, 'etc/nginx/sites-enabled'), { recursive: true });
    writeFileSync(join(root, 'etc/nginx/sites-enabled/broken.conf'), 'brokne;\n');
    const targets = await Promise.all(Array.from({ length: 3 }, () => insertAccount(t, newTarget('br'), 'provisioning')));
    const results = await Promise.all(targets.map((a) => outcome(provisioner.create(a))));
    assert.deepEqual(results, ['provisioning_failed', 'provisioning_failed', 'provisioning_failed']);
    for (const a of targets) assert.deepEqual(leftovers(root, a), []);
    rmSync(join(root, 'etc/nginx/sites-enabled/broken.conf'));
    assert.deepEqual(await Promise.all(targets.map((a) => outcome(provisioner.create(a)))), ['ok', 'ok', 'ok']);
    for (const a of targets) assert.match(readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`) ?? '', /server_name/);
    for (const a of targets) await provisioner.remove(a);
  });
});
