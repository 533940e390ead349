import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createValidationPipe } from '../../common/validation';
import { MetricsService } from '../observability/metrics.service';
import { mountOpenApi } from '../openapi/document';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Everything main.ts and the tests both apply to a created app. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.useGlobalPipes(createValidationPipe());
  mountOpenApi(app);
  app.get(MetricsService).instrument(app.getHttpAdapter().getInstance());
  // On SIGTERM/SIGINT: Fastify stops accepting, finishes requests in flight, then the process exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.init();
}
