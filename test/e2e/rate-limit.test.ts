import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TestApp } from '../support/test-app';

describe('rate limiting per token', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_RATE_LIMIT: '3', HW_RATE_LIMIT_WINDOW: '60' } });
  });
  after(() => t.close());

  test('the 4th call within the window is 429 rate_limited with Retry-After and X-RateLimit-*; another token keeps its own budget', async () => {
    const first = await t.createToken(['packages:read'], 'first');
    const second = await t.createToken(['packages:read'], 'second');
    // One budget across routes: two different routes spend it; each answer says what is left.
    const spent = [];
    for (const url of ['/api/v1/packages', '/api/v1/packages/1', '/api/v1/packages']) {
      const r = await t.call('GET', url, { token: first });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-ratelimit-limit'], '3');
      const reset = Number(r.headers['x-ratelimit-reset']);
      assert.ok(Number.isInteger(reset) && reset >= 1 && reset <= 60, `X-RateLimit-Reset: ${r.headers['x-ratelimit-reset']}`);
      spent.push(r.headers['x-ratelimit-remaining']);
    }
    assert.deepEqual(spent, ['2', '1', '0']);
    const limited = await t.call('GET', '/api/v1/packages', { token: first });
    assert.equal(limited.status, 429);
    assert.deepEqual(Object.keys(limited.body).sort(), ['error', 'message']);
    assert.equal(limited.body.error, 'rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited.headers['retry-after']}`);
    assert.ok(limited.headers['x-request-id']);
    // The 429 carries the same X-RateLimit-* headers as the answers before it: nothing left until Reset.
    assert.equal(limited.headers['x-ratelimit-limit'], '3');
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    assert.equal(limited.headers['x-ratelimit-reset'], String(retryAfter));
    assert.match(limited.body.message, /for this token/);

    assert.equal((await t.call('GET', '/api/v1/packages', { token: second })).status, 200);
  });

  test('/health and /metrics are never limited', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await t.call('GET', '/health', { token: null })).status, 200);
      assert.equal((await t.call('GET', '/metrics', { token: null })).status, 200);
    }
  });
});
