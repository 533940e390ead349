import { HttpException } from '@nestjs/common';

export interface ErrorDetail {
  field: string;
  message: string;
}

/** Every error a client sees. `code` is the stable machine word; message is for people. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super({ error: code, message, details }, status);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }

  /** 409; `field` (optional) names the field the conflict is about in `details`. */
  static conflict(message: string, field?: string): ApiError {
    return new ApiError(409, 'conflict', message, field ? [{ field, message }] : undefined);
  }

  static validation(details: ErrorDetail[], message = 'The request has invalid fields'): ApiError {
    return new ApiError(422, 'validation_failed', message, details);
  }

  static field(field: string, message: string): ApiError {
    return ApiError.validation([{ field, message }]);
  }
}

/** The code used for a status when the thrower gave none. */
export const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'service_unavailable',
};
