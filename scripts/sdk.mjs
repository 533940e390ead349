#!/usr/bin/env node
// Generates the typed TypeScript client from the committed openapi/openapi.json.
// Usage: node scripts/sdk.mjs [outputDir]   (default openapi/sdk; the SDK test passes a temp dir to check drift)
import { createClient } from '@hey-api/openapi-ts';
import { resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const output = resolve(process.argv[2] ?? resolve(root, 'openapi/sdk'));

await createClient({
  input: resolve(root, 'openapi/openapi.json'),
  output: { path: output },
  plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch'],
  logs: { level: 'silent' },
});
process.stdout.write(`wrote the SDK to ${output}\n`);
