import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';

const COUNTED = Symbol('uploadCounted');

/**
 * Bounds how many requests may be sending a body at once: a client that opens many connections
 * and trickles bytes holds no more than `limit` parsers (the request timeout ends each one).
 * A request over the limit gets 503 with Retry-After before its body is read.
 */
export function limitUploadsInFlight(fastify: FastifyInstance, limit: number): void {
  let inFlight = 0;
  const release = (request: FastifyRequest) => {
    if ((request as unknown as Record<symbol, boolean>)[COUNTED]) {
      (request as unknown as Record<symbol, boolean>)[COUNTED] = false;
      inFlight--;
    }
  };
  fastify.addHook('onRequest', (request, _reply, done) => {
    const headers = request.headers;
    const sendsBody = (headers['content-length'] !== undefined && headers['content-length'] !== '0') || headers['transfer-encoding'] !== undefined;
    if (!sendsBody) return done();
    if (inFlight >= limit) return done(new DomainError('service_unavailable', 'Too many uploads in progress; try again shortly', { retryAfterSeconds: 1 }));
    inFlight++;
    (request as unknown as Record<symbol, boolean>)[COUNTED] = true;
    // Whatever ends the upload (parsed, refused, timed out, the client gone) closes the message.
    request.raw.once('close', () => release(request));
    done();
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    release(request);
    done();
  });
}
