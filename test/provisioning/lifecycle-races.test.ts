import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/test-app';
import { CheckedAccount, disagreements, mailDisagreements } from './agreement';

const ROUNDS = Number(process.env.HW_RACE_ROUNDS ?? 50);
type Op = 'suspend' | 'unsuspend' | 'delete';

/** A small seeded generator, so a failing round can be replayed. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

/**
 * N rounds of suspend, unsuspend and delete fired together (Promise.all through the real API) at
 * the same account, and at several accounts at once; after every round each row's files must
 * agree with its status. A deleted account's name is created again in the next round, so a
 * leftover DEFER line or suspended vhost would show up on the new account.
 */
describe('lifecycle races: rows and files never disagree', () => {
  let t: TestApp;
  let root: string;
  const unexpected: string[] = [];
  const answers = new Map<string, number>();

  before(async () => {
    t = await startTestApp({ env: { HW_RATE_LIMIT: '1000000' } });
    root = t.config.provisioning.rootDir;
  });
  after(() => t.close());

  const tag = process.pid.toString(36);
  const names = (i: number) => ({ username: `race${tag}n${i}`, domain: `race${tag}n${i}.example.org` });

  /** The account's id, creating it (same username and domain as every earlier round) when it has no row. */
  async function ensure(i: number): Promise<number> {
    const { username, domain } = names(i);
    const rows = await t.get(DataSource).query('SELECT id FROM accounts WHERE username = ?', [username]);
    if (rows.length) return Number(rows[0].id);
    const r = await t.call('POST', '/api/v1/accounts', { body: { username, domain, email: `${username}@example.net`, password: 'correct horse', package_id: 1 } });
    assert.equal(r.status, 201, r.text);
    return r.body.data.id;
  }

  async function fire(id: number, op: Op): Promise<void> {
    const r = op === 'delete' ? await t.call('DELETE', `/api/v1/accounts/${id}`) : await t.call('POST', `/api/v1/accounts/${id}/${op}`);
    answers.set(`${op} ${r.status}`, (answers.get(`${op} ${r.status}`) ?? 0) + 1);
    if (![200, 204, 404, 409].includes(r.status)) unexpected.push(`${op} → ${r.status} ${r.text}`);
  }

  async function check(count: number): Promise<string[]> {
    const rows: { username: string; status: string }[] = await t.get(DataSource).query('SELECT username, status FROM accounts');
    const accounts: CheckedAccount[] = [];
    for (let i = 0; i < count; i++) accounts.push({ ...names(i), status: rows.find((r) => r.username === names(i).username)?.status });
    return [...disagreements(root, accounts), ...(await mailDisagreements(t, accounts))];
  }

  async function rounds(label: string, accounts: number, seed: number): Promise<void> {
    const next = random(seed);
    let disagreeing = 0;
    const seen: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const ids = await Promise.all(Array.from({ length: accounts }, (_, i) => ensure(i)));
      const calls: Promise<void>[] = [];
      for (const id of ids) {
        // Suspend and unsuspend twice each, with a delete in about half of the rounds, in a random order.
        const mine: Op[] = ['suspend', 'unsuspend', 'suspend', 'unsuspend'];
        if (next() < 0.5) mine.splice(Math.floor(next() * 5), 0, 'delete');
        for (const op of mine.sort(() => next() - 0.5)) calls.push(fire(id, op));
      }
      await Promise.all(calls);
      const problems = await check(accounts);
      disagreeing += new Set(problems.map((p) => p.split(' ', 1)[0])).size;
      if (problems.length && seen.length < 10) seen.push(`round ${round}: ${problems.join('; ')}`);
    }
    console.log(
      `${label}: rows whose files disagree after ${ROUNDS} rounds: ${disagreeing} (answers: ${[...answers]
        .sort()
        .map(([k, n]) => `${k}×${n}`)
        .join(', ')})`,
    );
    answers.clear();
    assert.deepEqual(seen, [], `${label}: ${disagreeing} disagreeing row(s) after ${ROUNDS} rounds`);
    assert.deepEqual(unexpected.splice(0), [], 'every call answers 200, 204, 404 or 409');
  }

  test(`${ROUNDS} rounds of concurrent suspend/unsuspend/delete on one account`, { timeout: 600_000 }, () => rounds('one account', 1, 14));

  test(`${ROUNDS} rounds of concurrent suspend/unsuspend/delete across four accounts`, { timeout: 600_000 }, () => rounds('four accounts', 4, 41));
});
