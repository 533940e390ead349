import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { formatterFor } from './error-formatters';
import { normalizeError } from './normalize-error';

/** The one place an error becomes a response. Stack traces go to the log, never to the client. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const error = normalizeError(exception);
    if (error.status >= 500 && error.code === 'internal_error') {
      this.logger.error(`${request.method} ${request.url}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    const path = (request.url ?? '').split('?')[0];
    if (error.headers) reply.headers(error.headers);
    reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(formatterFor(path)(error));
  }
}
