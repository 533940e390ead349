import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateOpenApiJson } from '../../src/openapi/generate';
import { REPO_ROOT } from '../support/test-app';

test('the committed openapi/openapi.json is what the code generates (run `npm run openapi`)', async () => {
  const committed = readFileSync(join(REPO_ROOT, 'openapi', 'openapi.json'), 'utf8');
  const generated = await generateOpenApiJson();
  assert.equal(committed, generated, 'openapi/openapi.json drifted from the code: run `npm run openapi` and commit it');
});

test('the document declares both security schemes and error responses', async () => {
  const doc = JSON.parse(await generateOpenApiJson());
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['api-key', 'basic', 'bearer']);
  const list = doc.paths['/api/v1/packages'].get;
  assert.ok(list.responses['401'], 'packages list documents 401');
  assert.ok(doc.paths['/api/v1/packages'].post.responses['422'], 'packages create documents 422');
});
