import { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger } from 'fastify';

/** Nest's bootstrap chatter: useful when debugging, noise at info. */
const CHATTY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Nest's Logger calls, written as JSON lines by the same pino instance Fastify uses. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: FastifyBaseLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context && CHATTY_CONTEXTS.has(context)) this.pino.debug({ context }, text(message));
    else this.pino.info({ context }, text(message));
  }

  error(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    const stack = params.find((p) => typeof p === 'string' && p.includes('\n    at '));
    if (message instanceof Error) this.pino.error({ context, err: message }, message.message);
    else this.pino.error({ context, stack }, text(message));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.pino.warn({ context: contextOf(params) }, text(message));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.pino.debug({ context: contextOf(params) }, text(message));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.pino.trace({ context: contextOf(params) }, text(message));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.pino.fatal({ context: contextOf(params) }, text(message));
  }
}

function contextOf(params: unknown[]): string | undefined {
  const last = params[params.length - 1];
  return typeof last === 'string' && !last.includes('\n') ? last : undefined;
}

function text(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}
