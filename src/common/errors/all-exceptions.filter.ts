import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorDialects } from './error-dialects';
import { toDomainError } from './to-domain-error';

/**
 * The one place an error becomes a response, Fastify's own failures (bad JSON, body too large, no
 * route) included. The status comes from the error's code through its dialect. Stack traces go to
 * the log, never to the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly dialects: ErrorDialects) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const error = toDomainError(exception);
    if (error.code === 'internal_error') {
      this.logger.error(`${request.method} ${request.url}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    const { status, body, contentType } = this.dialects.answer(error, { url: request.url ?? '', body: request.body });
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error.rateLimit !== undefined) {
      reply
        .header('x-ratelimit-limit', String(error.rateLimit))
        .header('x-ratelimit-remaining', '0')
        .header('x-ratelimit-reset', String(error.retryAfterSeconds ?? 0));
    }
    reply
      .status(status)
      .header('content-type', contentType ?? 'application/json; charset=utf-8')
      .send(body);
  }
}
