import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiJson } from './generate';

export const OPENAPI_FILE = join(__dirname, '../../../../openapi/openapi.json');

void generateOpenApiJson().then((json) => {
  writeFileSync(OPENAPI_FILE, json);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
});
