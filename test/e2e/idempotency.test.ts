import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DomainError } from '../../src/common/errors/domain-error';
import { AccountProvisioner, AccountTarget, PlanPreview } from '../../src/provisioning/provisioning.port';
import { accountBody, countRows, createAccount } from '../support/accounts';
import { startTestApp, TestApp } from '../support/test-app';

/** A provisioner whose create can be held open (to observe a running request) or made to fail. */
class GatedProvisioner extends AccountProvisioner {
  creates: string[] = [];
  fail = false;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  async create(t: AccountTarget) {
    this.creates.push(t.username);
    if (this.gate) await this.gate;
    if (this.fail) throw new DomainError('agent_unreachable', 'The agent did not answer');
  }
  async suspend() {}
  async unsuspend() {}
  async remove() {}
  async changePhpVersion() {}
  async changePassword() {}
  async removeMailbox() {}
  async plan(): Promise<PlanPreview> {
    return { steps: [], files: [], records: [], commands: [] };
  }
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('Idempotency-Key on creates', () => {
  let t: TestApp;
  const provisioner = new GatedProvisioner();
  before(async () => {
    t = await startTestApp({ override: (b) => b.overrideProvider(AccountProvisioner).useValue(provisioner) });
  });
  after(() => t.close());
  beforeEach(() => {
    provisioner.fail = false;
    provisioner.creates = [];
  });

  const post = (key: string, body: unknown, token?: string, path = '/api/v1/accounts') => t.call('POST', path, { body, token, headers: { 'idempotency-key': key } });

  test('same key + same body: the first answer replayed (same status and body), one account', async () => {
    const body = accountBody();
    const first = await post('key-replay', body);
    assert.equal(first.status, 201);
    const again = await post('key-replay', body);
    assert.equal(again.status, 201);
    assert.equal(again.text, first.text);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    assert.equal((await post('key-replay', reordered)).text, first.text, 'key order does not make another request');
    const alias = await t.call('POST', '/api/accounts', { body, headers: { 'idempotency-key': 'key-replay' } });
    assert.equal(alias.status, 422, 'another path is another request');
    assert.equal(alias.body.error, 'idempotency_mismatch');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 1);
    assert.deepEqual(provisioner.creates, [body.username]);
    const without = await t.call('POST', '/api/v1/accounts', { body });
    assert.equal(without.status, 409, 'without a key a retry is a new request');
  });

  test('same key + different body → 422 idempotency_mismatch, nothing created', async () => {
    const body = accountBody();
    assert.equal((await post('key-mismatch', body)).status, 201);
    const other = accountBody();
    const r = await post('key-mismatch', other);
    assert.equal(r.status, 422);
    assert.equal(r.body.error, 'idempotency_mismatch');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [other.username]), 0);
  });

  test('the same key while the first is still running → 409 idempotency_in_progress; then replayed', async () => {
    const body = accountBody();
    provisioner.hold();
    const first = post('key-running', body);
    await until(async () => provisioner.creates.includes(body.username as string), 'the first create to reach the provisioner');
    const during = await post('key-running', body);
    assert.equal(during.status, 409);
    assert.equal(during.body.error, 'idempotency_in_progress');
    provisioner.release();
    const done = await first;
    assert.equal(done.status, 201);
    const after = await post('key-running', body);
    assert.equal(after.text, done.text);
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 1);
  });

  test('keys are per token: another token with the same key makes its own request', async () => {
    const body = accountBody();
    assert.equal((await post('shared-key', body)).status, 201);
    const other = await t.createToken(['accounts:write'], 'billing-b');
    const r = await post('shared-key', body, other);
    assert.equal(r.status, 409, 'not a replay: a new create, refused because the username is taken');
    assert.equal(r.body.error, 'conflict');
    assert.equal(r.headers['idempotent-replayed'], undefined);
  });

  test('a body refused by validation claims no key: the corrected body with the same key is created', async () => {
    const fixed = accountBody();
    const invalid = { ...fixed, username: 'root' };
    const first = await post('key-422', invalid);
    assert.equal(first.status, 422);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const corrected = await post('key-422', fixed);
    assert.equal(corrected.status, 201, corrected.text);
    const replay = await post('key-422', fixed);
    assert.equal(replay.headers['idempotent-replayed'], 'true', 'the key now belongs to the created account');
    assert.equal(await countRows(t, 'accounts', 'username = ?', [fixed.username]), 1);
  });

  test('a 4xx first answer from the service is replayed; a 5xx releases the key so a retry can succeed', async () => {
    const taken = await createAccount(t);
    const clash = { ...accountBody(), username: taken.username };
    const first = await post('key-409', clash);
    assert.equal(first.status, 409);
    const again = await post('key-409', clash);
    assert.equal(again.status, 409);
    assert.equal(again.text, first.text);
    assert.equal(again.headers['idempotent-replayed'], 'true');

    const body = accountBody();
    provisioner.fail = true;
    const failed = await post('key-503', body);
    assert.equal(failed.status, 503);
    provisioner.fail = false;
    const retry = await post('key-503', body);
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 1);
  });

  test('ten parallel requests with one key: one account; every 201 is the same answer, the rest are in progress', async () => {
    const body = accountBody();
    const results = await Promise.all(Array.from({ length: 10 }, () => post('key-parallel', body)));
    const created = results.filter((r) => r.status === 201);
    assert.ok(created.length >= 1);
    assert.ok(created.every((r) => r.text === created[0].text));
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.error, 'idempotency_in_progress');
    }
    assert.equal(await countRows(t, 'accounts', 'username = ?', [body.username]), 1);
    const keyHash = createHash('sha256').update('key-parallel').digest('hex');
    assert.equal(await countRows(t, 'idempotency_keys', 'key_hash = ? AND state = ? AND response_status = ?', [keyHash, 'done', 201]), 1);
  });

  test('clients: the same key replays the created client', async () => {
    const body = { name: 'Idem Co', login: 'idem.co', email: 'idem@example.com', password: 'password1' };
    const first = await post('client-key', body, undefined, '/api/v1/clients');
    assert.equal(first.status, 201);
    const again = await post('client-key', body, undefined, '/api/v1/clients');
    assert.equal(again.text, first.text);
    assert.equal(await countRows(t, 'clients', 'login = ?', ['idem.co']), 1);
  });

  test('a malformed key → 422 on Idempotency-Key', async () => {
    const r = await post('x'.repeat(256), accountBody());
    assert.equal(r.status, 422);
    assert.equal(r.body.details[0].field, 'Idempotency-Key');
  });
});
