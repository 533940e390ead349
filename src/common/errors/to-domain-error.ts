import { HttpException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-catalogue';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'bad_request', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'bad_request', message: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: 'Content-Length does not match the body' },
};

/** The code for a framework error that carries only a status (Nest's router, Fastify's parsers). */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
};

function codeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** Turns anything thrown into a DomainError; unknown errors become a bare internal_error. */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'object' && response && 'message' in response ? (response as { message: unknown }).message : error.message;
    const text = Array.isArray(message) ? message.join('; ') : String(message);
    if (status === 404) return new DomainError('not_found', 'No such route or resource');
    if (status === 400 && /JSON/i.test(text)) return new DomainError('bad_request', 'The request body is not valid JSON');
    const code = codeForStatus(status);
    return new DomainError(code, code === 'internal_error' ? 'Internal error' : text);
  }
  const fastify = error as FastifyLikeError;
  if (fastify && typeof fastify === 'object' && fastify.code && FASTIFY_ERRORS[fastify.code]) {
    const known = FASTIFY_ERRORS[fastify.code];
    return new DomainError(known.code, known.message);
  }
  if (fastify && typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new DomainError(codeForStatus(fastify.statusCode), 'The request could not be read');
  }
  if (databaseUnreachable(error)) {
    return new DomainError('service_unavailable', 'The database cannot be reached right now; try again shortly', { retryAfterSeconds: 5 });
  }
  return new DomainError('internal_error', 'An unexpected error occurred; it has been logged');
}

/** Connection-level failures of the panel's database (a Galera node down or not yet synced), whether TypeORM wrapped them or not. */
const DATABASE_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_UNKNOWN_COM_ERROR', 'ER_CON_COUNT_ERROR']);

function databaseUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown; errno?: unknown }; name?: string } | null;
  if (!e || typeof e !== 'object') return false;
  const code = e.driverError?.code ?? e.code;
  // 1047: "WSREP has not yet prepared node for application use" (a node out of the primary component).
  return (typeof code === 'string' && DATABASE_GONE.has(code)) || e.driverError?.errno === 1047;
}
