import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { tokenCommands } from '../auth/token.cli';
import { CliCommand, CliUsageError, parseArgs } from './cli-command';
import { DomainError } from '../common/errors/domain-error';
import { loadConfigOrExit } from '../platform/config/app-config';
import { licenseCommands } from '../license/license.cli';

/** Every command of `npm run cli -- <command>`; features add theirs here. */
const COMMANDS: CliCommand[] = [...tokenCommands, ...licenseCommands];

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`usage: npm run cli -- <command>\n${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}\n`);
    return 2;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const app = command.needsApp ? await NestFactory.createApplicationContext(AppModule.forRoot(loadConfigOrExit()), { logger: false }) : null;
  try {
    await command.run(parseArgs(rest), app, out);
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof DomainError) {
      process.stderr.write(`${command.name}: ${error.message}\nusage: npm run cli -- ${command.usage}\n`);
      return 2;
    }
    throw error;
  } finally {
    await app?.close();
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
