import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { BODY_LIMIT_BYTES } from './configure-app';
import { lazyChildLogger } from '../observability/lazy-child-logger';
import { pinoOptions, RequestLogController, requestIdFor } from '../observability/logging';
import { limitUploadsInFlight } from './upload-gate';

/** Requests sending a body at the same time; past it, 503 before the body is read. */
export const MAX_UPLOADS_IN_FLIGHT = 64;

export function createFastifyAdapter(https?: { key: Buffer; cert: Buffer }, logLevel: AppConfig['logLevel'] = 'silent', requestTimeoutSeconds = 30): FastifyAdapter {
  // eslint-disable-next-line prefer-const -- assigned once the adapter exists; frameworkErrors reads it later
  let fastify: FastifyInstance;
  const options = {
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    https: https ? { ...https, ...serverTimeouts(requestTimeoutSeconds) } : null,
    logger: pinoOptions(logLevel),
    logController: new RequestLogController(logLevel),
    requestIdHeader: false,
    genReqId: requestIdFor,
    childLoggerFactory: lazyChildLogger,
    // Slow clients: headers within 10 s, the whole request within HW_REQUEST_TIMEOUT, no socket idle for 30 s.
    connectionTimeout: 30_000,
    requestTimeout: requestTimeoutSeconds * 1000,
    http: serverTimeouts(requestTimeoutSeconds),
    // Failures found before routing (an over-long path parameter, a malformed URL) take the same
    // path as every other error: the dialect's envelope, X-Request-Id.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.header('x-request-id', request.id);
      fastify.errorHandler.call(fastify, routingError(error), request, reply);
    },
  };
  const adapter: FastifyAdapter = new FastifyAdapter(options as never) as unknown as FastifyAdapter;
  fastify = adapter.getInstance();
  limitUploadsInFlight(fastify, MAX_UPLOADS_IN_FLIGHT);
  // Set first, so error responses and 404s carry it too.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // Closing: requests in flight finish, and their keep-alive sockets close with them instead of
  // holding the shutdown until the keep-alive timeout.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
}

/** A path parameter past the router's limit names nothing (404); any other routing failure is a bad URL. The path is not echoed. */
function routingError(error: Error): DomainError {
  if ((error as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH') return new DomainError('not_found', 'No such route or resource');
  return new DomainError('bad_request', 'The request path is not a valid URL');
}

/** node:http's own checks: headers within 10 s, and the timeouts looked at every second (its default is every 30 s). */
function serverTimeouts(requestTimeoutSeconds: number) {
  return { headersTimeout: Math.min(10, requestTimeoutSeconds) * 1000, connectionsCheckingInterval: 1000 };
}
