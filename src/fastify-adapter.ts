import { FastifyAdapter } from '@nestjs/platform-fastify';
import { BODY_LIMIT_BYTES } from './configure-app';

export function createFastifyAdapter(https?: { key: Buffer; cert: Buffer }): FastifyAdapter {
  const options = {
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    https: https ?? null,
    logger: false,
  };
  return new FastifyAdapter(options as never) as unknown as FastifyAdapter;
}
