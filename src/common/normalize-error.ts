import { HttpException } from '@nestjs/common';
import { ApiError, DEFAULT_CODES, ErrorDetail } from './api-error';

export interface NormalizedError {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad_request', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad_request', message: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'Content-Length does not match the body' },
};

/** Turns anything thrown into the one error shape; unknown errors become a bare 500. */
export function normalizeError(error: unknown): NormalizedError {
  if (error instanceof ApiError) {
    return { status: error.getStatus(), code: error.code, message: error.message, details: error.details, headers: error.headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'object' && response && 'message' in response ? (response as { message: unknown }).message : error.message;
    const text = Array.isArray(message) ? message.join('; ') : String(message);
    if (status === 404) return { status, code: 'not_found', message: 'No such route or resource' };
    if (status === 400 && /JSON/i.test(text)) return { status, code: 'bad_request', message: 'The request body is not valid JSON' };
    return { status, code: DEFAULT_CODES[status] ?? 'error', message: status >= 500 ? 'Internal error' : text };
  }
  const fastify = error as FastifyLikeError;
  if (fastify && typeof fastify === 'object' && fastify.code && FASTIFY_ERRORS[fastify.code]) {
    return { ...FASTIFY_ERRORS[fastify.code] };
  }
  if (fastify && typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return { status: fastify.statusCode, code: DEFAULT_CODES[fastify.statusCode] ?? 'bad_request', message: 'The request could not be read' };
  }
  return { status: 500, code: 'internal_error', message: 'An unexpected error occurred; it has been logged' };
}
