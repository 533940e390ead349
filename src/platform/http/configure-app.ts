import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError } from '../../common/errors/domain-error';
import { createValidationPipe } from '../../common/validation';
import { MetricsService } from '../observability/metrics.service';
import { mountOpenApi } from '../openapi/document';
import { parseJsonBody } from './json-body';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** JSON through our one parser; a form body is refused, not acted on (every route speaks JSON but the XML API's). */
function useStrictBodies(app: NestFastifyApplication): void {
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // The Plesk XML API's packets, as text for its hardened parser; text/xml is refused on every other route.
  app.useBodyParser(['text/xml', 'application/xml'], { bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
    if (request.url.split('?')[0] !== '/enterprise/control/agent.php') {
      return done(new DomainError('unsupported_media_type', 'Send the body as application/json'), undefined);
    }
    done(null, body.toString('utf8'));
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT_BYTES }, (_request, _body, done) => {
    done(new DomainError('unsupported_media_type', 'Send the body as application/json'), undefined);
  });
}

/** Everything main.ts and the tests both apply to a created app. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  useStrictBodies(app);
  app.useGlobalPipes(createValidationPipe());
  mountOpenApi(app);
  app.get(MetricsService).instrument(app.getHttpAdapter().getInstance());
  // On SIGTERM/SIGINT: Fastify stops accepting, finishes requests in flight, then the process exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.init();
}
