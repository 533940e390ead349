import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, mergeMap, Observable, of } from 'rxjs';
import { principalOf } from '../auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { ErrorDialects } from '../common/errors/error-dialects';
import { toDomainError } from '../common/errors/to-domain-error';
import { createValidationPipe } from '../common/validation';
import { IdempotencyService, requestFingerprint } from './idempotency.service';
import { httpReplyOf, httpRequestOf } from '../platform/http/http-context';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A key whose outcome could not be written is retried this often, for 5 minutes (it is abandoned after 10). */
const SETTLE_RETRY_MS = 2000;
const SETTLE_RETRIES = 150;

/**
 * Which failures are remembered. A 4xx says something about the request itself (invalid field,
 * name taken), so the same request gets the same answer again. A 5xx says something about the
 * server (agent unreachable, a crash): the key is released so the client's retry can succeed.
 * 403 (licence, seat limit) and 429 are conditions an operator fixes, so they release it too.
 */
function remembers(status: number): boolean {
  return status < 500 && status !== 403 && status !== 429;
}

/** Idempotency-Key on a create route: replays the first answer for the same key and body. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  private readonly validation = createValidationPipe();

  constructor(
    private readonly keys: IdempotencyService,
    private readonly errors: ErrorDialects,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = httpRequestOf<FastifyRequest>(context);
    const reply = httpReplyOf<FastifyReply>(context);
    const header = request.headers[IDEMPOTENCY_HEADER];
    const principal = principalOf(request);
    if (header === undefined || !principal) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_PATTERN.test(key)) throw DomainError.field('Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');

    await this.assertValidBody(context, request.body);
    const claim = await this.keys.claim(principal.tokenId, key, requestFingerprint(request.method, request.url, request.body));
    if (claim.kind === 'replay') {
      reply.status(claim.status).header('idempotent-replayed', 'true');
      return of(claim.body);
    }
    return next.handle().pipe(
      mergeMap(async (body) => {
        await this.settle(claim.id, reply.statusCode, body);
        return body;
      }),
      catchError(async (error: unknown) => {
        const answer = this.errors.answer(toDomainError(error), request);
        await this.settle(claim.id, answer.status, answer.body);
        throw error;
      }),
    );
  }

  /**
   * Only a request that passes validation claims a key: interceptors run before pipes, so the
   * route's body DTO is checked here with the same pipe (a 422 is not stored under the key, and
   * the corrected body can use it).
   */
  private async assertValidBody(context: ExecutionContext, body: unknown): Promise<void> {
    const controller = context.getClass();
    const method = context.getHandler().name;
    const args: Record<string, { index: number; data?: string }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? [];
    for (const [key, arg] of Object.entries(args)) {
      if (!key.startsWith(`${RouteParamtypes.BODY}:`)) continue;
      await this.validation.transform(body, { type: 'body', metatype: types[arg.index] as never, data: arg.data });
    }
  }

  private async settle(id: number, status: number, body: unknown, attempt = 0): Promise<void> {
    try {
      if (remembers(status)) await this.keys.complete(id, status, body);
      else await this.keys.release(id);
    } catch (error) {
      // The answer itself stands. The database may be back in a moment (a Galera node restarting):
      // try again in the background, so the client's retry meets the outcome instead of a key left
      // "running" until it is abandoned.
      if (attempt === 0) this.logger.warn(`could not record idempotency key ${id}, retrying: ${(error as Error).message}`);
      if (attempt < SETTLE_RETRIES) setTimeout(() => void this.settle(id, status, body, attempt + 1), SETTLE_RETRY_MS).unref();
    }
  }
}
