import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal';
import { AuditService } from './audit.service';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_PARSED_PAYLOAD = 64 * 1024;

/** The id a write was about: the path's `:id`, else the `data.id` of a created resource. */
function targetOf(request: FastifyRequest, status: number, payload: unknown): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  if (params && typeof params.id === 'string') return params.id;
  if (status >= 300 || typeof payload !== 'string' || payload.length > MAX_PARSED_PAYLOAD) return null;
  try {
    const id = (JSON.parse(payload) as { data?: { id?: unknown } })?.data?.id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  } catch {
    return null;
  }
}

/**
 * Audits every write a token was authenticated for, whatever its outcome (refused by a scope or
 * the licence, invalid fields, failed): a Fastify onSend hook sees them all. A write no token was
 * authenticated for is not stored (401, 429 before authentication, a path no route matches, a
 * body refused before the guards run): anyone can send those, they change nothing, and a row
 * for each would let anyone fill the log.
 * The entry is stored before the answer leaves, so a client that reads the log after a write
 * finds it; a failing insert is logged, never answered.
 */
@Injectable()
export class AuditHook implements OnModuleInit {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    // Callback style: a read passes straight on, without the promise an async hook costs every request.
    fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      if (!WRITE_METHODS.has(request.method)) return done(null, payload);
      void this.store(request, reply, payload).then(() => done(null, payload));
    });
  }

  private async store(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const principal = principalOf(request);
    if (!principal) return;
    try {
      await this.audit.record({
        tokenId: principal.tokenId,
        tokenName: principal.name,
        method: request.method,
        route: request.routeOptions?.url ?? request.url.split('?')[0],
        target: targetOf(request, reply.statusCode, payload),
        status: reply.statusCode,
      });
    } catch (error) {
      this.logger.warn(`audit entry not stored for ${request.method} ${request.url.split('?')[0]}: ${(error as Error).message}`);
    }
  }
}
