import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';

function cli(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH, HW_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('licence CLI: keygen → issue → PUT → show', () => {
  let work: string;
  let publicKeyEnv: string;
  let t: TestApp;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'hw-license-cli-'));
    const keygen = cli(['license:keygen', '--out', 'keys'], work);
    assert.equal(keygen.status, 0, keygen.stderr);
    publicKeyEnv = /^HW_LICENSE_PUBLIC_KEY=(\S+)$/m.exec(keygen.stdout)![1];
    t = await startTestApp({ env: { HW_LICENSE_PUBLIC_KEY: publicKeyEnv } });
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('keygen writes a private key only its owner can read and refuses to overwrite it', () => {
    assert.equal(statSync(join(work, 'keys/license-private.pem')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(work, 'keys/license-public.pem'), 'utf8'), /BEGIN PUBLIC KEY/);
    const again = cli(['license:keygen', '--out', 'keys'], work);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /--force/);
  });

  test('an issued licence verifies on a panel given the printed key (PEM file path works too), and license:show reports it', async () => {
    const issue = cli(
      [
        'license:issue',
        '--key',
        'keys/license-private.pem',
        '--licensee',
        'ACME Hosting',
        '--plan',
        'pro',
        '--max-accounts',
        '100',
        '--expires',
        '2099-12-31',
        '--out',
        'license.json',
      ],
      work,
    );
    assert.equal(issue.status, 0, issue.stderr);
    const text = readFileSync(join(work, 'license.json'), 'utf8');
    assert.equal(JSON.parse(text).payload.expires_at, '2099-12-31T23:59:59Z');
    const put = await t.call('PUT', '/api/v1/license', { body: { license: text } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(
      { ...put.body.data },
      { status: 'valid', plan: 'pro', max_accounts: 100, accounts_used: 0, expires_at: '2099-12-31T23:59:59Z', licensee: 'ACME Hosting', reason: null },
    );

    const env: Record<string, string> = {
      HW_DATA_DIR: t.config.dataDir,
      HW_LICENSE_FILE: t.config.license.file,
      HW_LICENSE_PUBLIC_KEY: join(work, 'keys/license-public.pem'),
      ...(t.database.url ? { DATABASE_URL: t.database.url } : { HW_SQLITE_PATH: (t.config.database as { path: string }).path }),
    };
    const show = cli(['license:show'], work, env);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /status:\s+valid/);
    assert.match(show.stdout, /plan:\s+pro/);
    assert.match(show.stdout, /accounts:\s+0 of 100/);
    assert.match(show.stdout, /expires_at:\s+2099-12-31T23:59:59Z/);
  });

  test('issue refuses bad input with a usage error; a server-bound licence only verifies on that server', async () => {
    const bad = cli(
      ['license:issue', '--key', 'keys/license-private.pem', '--licensee', 'X', '--plan', 'pro', '--max-accounts', 'many', '--expires', '2099-01-01'],
      work,
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-accounts/);
    const bound = cli(
      ['license:issue', '--key', 'keys/license-private.pem', '--licensee', 'X', '--plan', 'pro', '--max-accounts', '3', '--expires', '2099-01-01', '--server-id', 'web1'],
      work,
    );
    assert.equal(bound.status, 0, bound.stderr);
    const put = await t.call('PUT', '/api/v1/license', { body: { license: bound.stdout } });
    assert.equal(put.status, 422);
    assert.match(put.body.details[0].message, /web1/);
  });
});
