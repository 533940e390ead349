import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DomainError } from '../../src/common/errors/domain-error';
import { ERROR_CATALOGUE, ERROR_CODES, ErrorCode } from '../../src/common/errors/error-catalogue';
import { ErrorDialects } from '../../src/common/errors/error-dialects';
import { catalogueTable } from '../../src/common/errors/error-docs';
import { generateOpenApiJson } from '../../src/platform/openapi/generate';
import { REPO_ROOT, startTestApp, TestApp } from '../support/test-app';

describe('one error vocabulary: a catalogue code decides the status, the dialect the shape', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('every code answers its catalogue status: natively as {error, message}, in the reseller envelope with the same status', () => {
    const dialects = t.get(ErrorDialects);
    for (const code of ERROR_CODES) {
      const error = new DomainError(code, `a ${code}`);
      const native = dialects.answer(error, { url: '/api/v1/accounts?limit=1' });
      assert.equal(native.status, ERROR_CATALOGUE[code].status, code);
      assert.deepEqual(native.body, { error: code, message: `a ${code}` });
      const reseller = dialects.answer(error, { url: '/API/no/such/route' });
      assert.equal(reseller.status, ERROR_CATALOGUE[code].status, code);
      assert.deepEqual(reseller.body, { success: false, message: `a ${code}` });
    }
    const invalid = DomainError.validation([{ field: 'login', message: 'login is too short' }]);
    assert.deepEqual(t.get(ErrorDialects).answer(invalid, { url: '/API/plesk/clients/create' }).body, {
      success: false,
      message: 'The request has invalid fields',
      errors: { login: ['login is too short'] },
    });
  });

  test('Plesk REST v2: 400 for validation_failed and conflict (as Plesk), the catalogue status otherwise; {code, message}', () => {
    const dialects = t.get(ErrorDialects);
    const refusedData: ErrorCode[] = ['validation_failed', 'conflict'];
    for (const code of ERROR_CODES) {
      const status = refusedData.includes(code) ? 400 : ERROR_CATALOGUE[code].status;
      assert.deepEqual(dialects.answer(new DomainError(code, `a ${code}`), { url: '/api/v2/clients' }), { status, body: { code: status, message: `a ${code}` } }, code);
    }
    const invalid = DomainError.validation([{ field: 'name', message: 'name is required' }]);
    assert.equal((dialects.answer(invalid, { url: '/api/v2/domains' }).body as { message: string }).message, 'The request has invalid fields: name is required');
    // Plesk's words for a taken login come from the code and the field, with the login as sent; not from the service's message.
    const taken = DomainError.taken('login', 'A client with login jane already exists');
    assert.deepEqual(dialects.answer(taken, { url: '/api/v2/clients/7', body: { login: 'Jane' } }).body, {
      code: 400,
      message: "Client with login 'Jane' already exists",
    });
  });

  test('README and the OpenAPI description list the catalogue; ErrorBody.error is its enum', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(catalogueTable()), 'README.md does not carry the error catalogue: paste catalogueTable() under "Errors:"');
    const doc = JSON.parse(await generateOpenApiJson());
    assert.ok(doc.info.description.includes(catalogueTable()));
    assert.deepEqual(doc.components.schemas.ErrorCode.enum, ERROR_CODES);
  });
});
