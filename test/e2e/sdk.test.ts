import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, createClient } from '../../openapi/sdk/client';
import { packagesCreate, packagesGet, packagesList, tokensList } from '../../openapi/sdk';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';
import { onMariaDb } from '../support/test-database';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('SDK generated from openapi/openapi.json', () => {
  let t: TestApp;
  let sdk: Client;
  before(async () => {
    t = await startTestApp();
    sdk = createClient({ baseUrl: t.baseUrl, headers: { Authorization: `Bearer ${t.adminToken}` } });
  });
  after(() => t.close());

  test(
    'the committed openapi/sdk is what `npm run sdk` generates from the committed openapi.json',
    { skip: onMariaDb() && 'no database involved: checked on the SQLite pass' },
    () => {
      const fresh = mkdtempSync(join(tmpdir(), 'hw-sdk-'));
      try {
        const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/sdk.mjs'), fresh], { encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        const committed = join(REPO_ROOT, 'openapi/sdk');
        const names = (dir: string) =>
          filesUnder(dir)
            .map((f) => relative(dir, f))
            .sort();
        assert.deepEqual(names(committed), names(fresh), 'openapi/sdk is stale: run `npm run sdk` and commit it');
        for (const name of names(fresh)) {
          assert.equal(readFileSync(join(committed, name), 'utf8'), readFileSync(join(fresh, name), 'utf8'), `openapi/sdk/${name} is stale: run \`npm run sdk\``);
        }
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
  );

  test('packages through the typed client: list, create, get; errors come back typed', async () => {
    const list = await packagesList({ client: sdk });
    assert.equal(list.response.status, 200);
    assert.ok(list.data!.data.some((p) => p.name === 'default'));

    const created = await packagesCreate({
      client: sdk,
      body: { name: 'sdk-plan', disk_quota_mb: 2048, bandwidth_mb: 4096, max_domains: 2, max_databases: 2, max_email_accounts: 5, php_version: '8.3' },
    });
    assert.equal(created.response.status, 201, JSON.stringify(created.error));
    const id = created.data!.data.id;
    const got = await packagesGet({ client: sdk, path: { id } });
    assert.equal(got.data!.data.name, 'sdk-plan');
    assert.equal(got.data!.data.disk_quota_mb, 2048);

    const missing = await packagesGet({ client: sdk, path: { id: 987654 } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error!.error, 'not_found');

    const anonymous = createClient({ baseUrl: sdk.getConfig().baseUrl });
    const denied = await tokensList({ client: anonymous });
    assert.equal(denied.response.status, 401);
    assert.equal(denied.error!.error, 'unauthenticated');
  });
});
