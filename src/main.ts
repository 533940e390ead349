import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { TokensService } from './auth/tokens.service';
import { loadConfigOrExit } from './platform/config/app-config';
import { configureApp } from './platform/http/configure-app';
import { createFastifyAdapter } from './platform/http/fastify-adapter';
import { flushLogs } from './platform/observability/logging';
import { PinoNestLogger } from './platform/observability/pino-nest-logger';
import { loadTls } from './platform/http/tls';
import { releaseMemoryWhenIdle } from './platform/process/idle-memory';
import { codeCacheStatus, READY_EVENT } from './platform/process/code-cache';

async function bootstrap(): Promise<void> {
  const started = process.hrtime.bigint();
  const config = loadConfigOrExit();
  mkdirSync(config.dataDir, { recursive: true });
  const tls = await loadTls(config);
  const adapter = createFastifyAdapter(tls, config.logLevel, config.requestTimeoutSeconds);
  const logger = new PinoNestLogger(adapter.getInstance().log);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { logger, bufferLogs: false, rawBody: true });
  await configureApp(app);
  const firstToken = await app.get(TokensService).ensureFirstAdminToken();
  await app.listen(config.port, config.host);
  const scheme = tls ? 'https' : 'http';
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (firstToken) {
    process.stdout.write(
      `\nFirst admin token (shown once, store it now):\n\n  ${firstToken}\n\n` +
        `Try: curl -sk -H "Authorization: Bearer ${firstToken}" ${scheme}://127.0.0.1:${config.port}/api/v1/packages\n\n`,
    );
  }
  releaseMemoryWhenIdle();
  // Last, so a supervisor (or a test) that waits for this line finds the token already printed.
  logger.log(`Hostwright listening on ${scheme}://${config.host}:${config.port} (ready in ${readyMs.toFixed(0)} ms, code cache ${codeCacheStatus()})`, 'Main');
  flushLogs();
  (process as NodeJS.EventEmitter).emit(READY_EVENT);
}

void bootstrap();
