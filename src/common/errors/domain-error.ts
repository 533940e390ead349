import { ErrorCode } from './error-catalogue';

export interface ErrorDetail {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  details?: ErrorDetail[];
  /** The caller may try again after this many seconds (answered as Retry-After). */
  retryAfterSeconds?: number;
  /** A spent budget: its size (answered as X-RateLimit-Limit, with Remaining 0 and Reset = Retry-After). */
  rateLimit?: number;
}

/**
 * What services, guards and pipes throw: a catalogue code, a message for people and, for bad or
 * taken fields, one detail per field. It knows nothing of HTTP; the exception filter and the
 * dialects decide the status and the body.
 */
export class DomainError extends Error {
  readonly details?: ErrorDetail[];
  readonly retryAfterSeconds?: number;
  readonly rateLimit?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.rateLimit = options.rateLimit;
  }

  static notFound(what: string): DomainError {
    return new DomainError('not_found', `${what} not found`);
  }

  /** The resource's state refuses the change (already suspended, still owns accounts); `field`, when the conflict is about one, is named in `details`. */
  static conflict(message: string, field?: string): DomainError {
    return new DomainError('conflict', message, field ? { details: [{ field, message }] } : {});
  }

  /** A unique value is taken; the detail names its field. */
  static taken(field: string, message: string): DomainError {
    return new DomainError('conflict', message, { details: [takenDetail(field)] });
  }

  static validation(details: ErrorDetail[], message = 'The request has invalid fields'): DomainError {
    return new DomainError('validation_failed', message, { details });
  }

  static field(field: string, message: string): DomainError {
    return DomainError.validation([{ field, message }]);
  }

  /** The same error told with another API's field names; a taken field's detail is reworded with its new name. */
  withFieldNames(names: Record<string, string>): DomainError {
    if (!this.details?.some((d) => Object.hasOwn(names, d.field))) return this;
    const details = this.details.map((d) => {
      const field = Object.hasOwn(names, d.field) ? names[d.field] : d.field;
      return this.code === 'conflict' ? takenDetail(field) : { field, message: d.message };
    });
    return new DomainError(this.code, this.message, { details, retryAfterSeconds: this.retryAfterSeconds, rateLimit: this.rateLimit });
  }
}

function takenDetail(field: string): ErrorDetail {
  return { field, message: `${field} is already taken` };
}
