import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppConfig } from './config/app-config';
import { BODY_LIMIT_BYTES } from './configure-app';
import { pinoOptions, RequestLogController, requestIdFor } from './observability/logging';

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
  // Set first, so error responses and 404s carry it too.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  return adapter;
}
