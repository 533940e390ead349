import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withInvalidLicence } from '../support/plesk';
import { startTestApp, TestApp } from '../support/test-app';

describe('global guards: one fixed order (token, scopes, licence, rate limit)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { HW_RATE_LIMIT: '3', HW_RATE_LIMIT_WINDOW: '60' } });
  });
  after(() => t.close());

  test('401 comes before 403 scope, which comes before 403 licence; calls refused by those never spend the rate budget', async () => {
    const reader = await t.createToken(['packages:read'], 'reader');
    const writer = await t.createToken(['packages:write'], 'writer');
    await withInvalidLicence(t, async () => {
      for (let i = 0; i < 4; i++) {
        assert.equal((await t.call('POST', '/api/v1/packages', { token: null, body: {} })).body.error, 'unauthenticated');
        assert.equal((await t.call('POST', '/api/v1/packages', { token: reader, body: {} })).body.error, 'forbidden');
        assert.equal((await t.call('POST', '/api/v1/packages', { token: writer, body: {} })).body.error, 'license_required');
      }
    });
    for (const token of [reader, writer]) {
      const remaining = [];
      for (let i = 0; i < 3; i++) {
        const r = await t.call('GET', '/api/v1/packages', { token });
        assert.equal(r.status, 200);
        remaining.push(r.headers['x-ratelimit-remaining']);
      }
      assert.deepEqual(remaining, ['2', '1', '0'], 'the whole budget was still there');
      assert.equal((await t.call('GET', '/api/v1/packages', { token })).status, 429);
    }
  });
});
