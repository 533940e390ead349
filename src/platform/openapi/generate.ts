import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../app.module';
import { loadConfig } from '../config/app-config';
import { configureApp } from '../http/configure-app';
import { createFastifyAdapter } from '../http/fastify-adapter';
import { buildOpenApiDocument } from './document';

/** The OpenAPI document as committed: built from the code on a throw-away SQLite database. */
export async function generateOpenApiJson(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hw-openapi-'));
  try {
    const config = loadConfig({ HW_DATA_DIR: dataDir, HW_LOG_LEVEL: 'silent' });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createFastifyAdapter(), { logger: false, rawBody: true });
    await configureApp(app);
    const document = buildOpenApiDocument(app);
    await app.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
