import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '../platform/config/app-config';
import { AgentDaemonModule } from './agent-daemon.module';
import { AgentServer } from './agent-server';

/** `npm run agent`: the privileged agent as a daemon on HW_AGENT_HOST:HW_AGENT_PORT (127.0.0.1:7443). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.agent.secret) {
    process.stderr.write('hostwright agent: HW_AGENT_SECRET must be set (at least 32 characters, shared with the panel)\n');
    process.exit(1);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const app = await NestFactory.createApplicationContext(AgentDaemonModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : ['log', 'warn', 'error', 'fatal'],
  });
  app.enableShutdownHooks();
  const address = await app.get(AgentServer).listen();
  process.stdout.write(`Hostwright agent listening on http://${address.address}:${address.port}\n`);
}

void main();
