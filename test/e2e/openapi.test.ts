import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import { generateOpenApiJson } from '../../src/platform/openapi/generate';
import { REPO_ROOT } from '../support/test-app';

test('the committed openapi/openapi.json is what the code generates (run `npm run openapi`)', async () => {
  const committed = readFileSync(join(REPO_ROOT, 'openapi', 'openapi.json'), 'utf8');
  const generated = await generateOpenApiJson();
  assert.equal(committed, generated, 'openapi/openapi.json drifted from the code: run `npm run openapi` and commit it');
});

test('the document declares every security scheme and error responses', async () => {
  const doc = JSON.parse(await generateOpenApiJson());
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['api-key', 'basic', 'bearer', 'signature', 'timestamp']);
  const list = doc.paths['/api/v1/packages'].get;
  assert.ok(list.responses['401'], 'packages list documents 401');
  assert.ok(doc.paths['/api/v1/packages'].post.responses['422'], 'packages create documents 422');
});

test('each operation documents what its route accepts: /health nothing; Bearer, x-api-key or a signature; Basic too on REST v2 only', async () => {
  const doc = JSON.parse(await generateOpenApiJson());
  assert.equal(doc.security, undefined, 'no document-wide requirement for a public route to inherit');
  const native = [{ bearer: [] }, { 'api-key': [] }, { timestamp: [], signature: [] }];
  for (const [path, operations] of Object.entries<Record<string, { security?: unknown }>>(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const accepted = path === '/health' ? undefined : path.startsWith('/api/v2/') ? [...native, { basic: [] }] : native;
      assert.deepEqual(operation.security, accepted, `${method} ${path}`);
    }
  }
});

test('each operation is listed once: no /api alias of an /api/v1 route, and unique operation ids without an alias index', async () => {
  const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'openapi', 'openapi.json'), 'utf8'));
  const paths = Object.keys(doc.paths);
  assert.ok(paths.includes('/api/v1/accounts'));
  const aliases = paths.filter((path) => path.startsWith('/api/v1/')).map((path) => path.replace('/api/v1/', '/api/'));
  assert.deepEqual(
    aliases.filter((alias) => paths.includes(alias)),
    [],
  );
  const ids = Object.values<Record<string, { operationId: string }>>(doc.paths).flatMap((operations) => Object.values(operations).map((o) => o.operationId));
  assert.deepEqual(
    ids.filter((id, i) => ids.indexOf(id) !== i || id.includes('[')),
    [],
  );
  assert.match(doc.info.description, /also answers without `v1`/);
});

test('the committed document is valid OpenAPI 3.0, and every example fits its schema (what strict generators check)', async () => {
  const file = join(REPO_ROOT, 'openapi', 'openapi.json');
  await SwaggerParser.validate(file);
  const doc = (await SwaggerParser.dereference(JSON.parse(readFileSync(file, 'utf8')))) as object;
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const misfits: string[] = [];
  const check = (where: string, schema: Record<string, unknown>, example: unknown) => {
    if (example === null && schema.nullable) return;
    const validate = ajv.compile({ ...schema, example: undefined });
    if (!validate(example)) misfits.push(`${where}: ${JSON.stringify(example)} ${ajv.errorsText(validate.errors)}`);
  };
  let checked = 0;
  const walk = (node: unknown, where: string, seen: Set<object>) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const n = node as Record<string, unknown>;
    if ('example' in n) {
      const schema = (n.schema ?? n) as Record<string, unknown>; // a parameter or media type holds its schema; a schema is its own
      checked++;
      check(where, schema, n.example);
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'example' && key !== 'examples') walk(value, `${where}/${key}`, seen);
  };
  walk(doc, '#', new Set());
  assert.ok(checked > 50, `only ${checked} examples found: the walk is broken`);
  assert.deepEqual(misfits, []);
});
