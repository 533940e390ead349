import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { get, killLeftovers, startServer, stopServer } from '../support/spawn-server';

/** The status the ready line reports: `code cache used|made|rejected|off`. */
const statusOf = (stdout: string) => /code cache (\w+)\)/.exec(stdout)?.[1];

describe('the launcher compiles the bundle through a V8 code cache kept in the data dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hw-code-cache-'));
  const env = { HW_DATA_DIR: dataDir, HW_TLS: 'false', DATABASE_URL: '' };
  const caches = () => readdirSync(dataDir).filter((name) => name.startsWith('code-cache-'));
  let token = '';
  after(() => {
    killLeftovers();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Resolves once `test` holds, looked at every 20 ms for at most 10 s (the panel writes after it answers). */
  async function until(what: string, test: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!test()) {
      if (Date.now() > deadline) assert.fail(`not within 10 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A start that reports `status` and answers an authenticated read. */
  async function startReporting(status: string, extra: Record<string, string> = {}) {
    const server = await startServer({ ...env, ...extra });
    assert.equal(statusOf(server.stdout()), status, server.stdout() + server.stderr());
    token ||= /hw_[A-Za-z0-9_-]{43}/.exec(server.stdout())?.[0] ?? '';
    const packages = await get(`http://127.0.0.1:${server.port}/api/v1/packages`, { authorization: `Bearer ${token}` });
    assert.equal(packages.status, 200, packages.body);
    assert.doesNotMatch(server.stderr(), /Warning/);
    return server;
  }

  test('first start makes it (mode 0600) once ready, and removes the caches of other bundles', async () => {
    writeFileSync(join(dataDir, 'code-cache-0000000000000000-v0.0.0-x64.bin'), 'an older bundle’s', { mode: 0o600 });
    const server = await startReporting('made');
    await until('the cache is written and the old one removed', () => caches().length === 1 && !caches()[0].startsWith('code-cache-0000'));
    assert.match(caches()[0], new RegExp(`^code-cache-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.bin$`));
    assert.equal(statSync(join(dataDir, caches()[0])).mode & 0o777, 0o600);
    assert.equal(await stopServer(server), 0);
  });

  test('the next start compiles from it and serves as before; it is not written again', async () => {
    const file = join(dataDir, caches()[0]);
    const before = statSync(file).mtimeMs;
    const server = await startReporting('used');
    assert.equal(await stopServer(server), 0);
    assert.equal(statSync(file).mtimeMs, before);
  });

  test('a cache V8 refuses (garbage) is compiled around and replaced', async () => {
    const file = join(dataDir, caches()[0]);
    writeFileSync(file, 'not a code cache');
    const server = await startReporting('rejected');
    await until('the garbage is replaced', () => readFileSync(file).length > 1000);
    assert.equal(await stopServer(server), 0);
    assert.equal(await stopServer(await startReporting('used')), 0);
  });

  test('a cache others may write is not read: the start makes its own', async () => {
    const file = join(dataDir, caches()[0]);
    chmodSync(file, 0o666);
    const server = await startReporting('made');
    await until('the cache is rewritten 0600', () => (statSync(file).mode & 0o777) === 0o600);
    assert.equal(await stopServer(server), 0);
  });

  test('HW_CODE_CACHE=off compiles from the source and leaves the cache alone', async () => {
    const file = join(dataDir, caches()[0]);
    const before = statSync(file).mtimeMs;
    const server = await startReporting('off', { HW_CODE_CACHE: 'off' });
    assert.equal(await stopServer(server), 0);
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mtimeMs, before);
  });
});
