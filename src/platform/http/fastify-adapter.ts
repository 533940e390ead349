import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppConfig } from '../config/app-config';
import { BODY_LIMIT_BYTES } from './configure-app';
import { pinoOptions, RequestLogController, requestIdFor } from '../observability/logging';

export function createFastifyAdapter(https?: { key: Buffer; cert: Buffer }, logLevel: AppConfig['logLevel'] = 'silent'): FastifyAdapter {
  const options = {
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    https: https ?? null,
    logger: pinoOptions(logLevel),
    logController: new RequestLogController(),
    requestIdHeader: false,
    genReqId: requestIdFor,
  };
  const adapter = new FastifyAdapter(options as never) as unknown as FastifyAdapter;
  const fastify = adapter.getInstance();
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
