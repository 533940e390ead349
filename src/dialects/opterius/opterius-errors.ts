import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode, statusOf } from '../../common/errors/error-catalogue';
import { ErrorDialect, ErrorDialectProvider } from '../../common/errors/error-dialect';
import { isOpteriusPath } from './opterius-paths';

/** `{result: "error", message}`; invalid fields also as Laravel writes them, `errors: {field: [..]}`. */
export interface OpteriusErrorBody {
  result: 'error';
  message: string;
  errors?: Record<string, string[]>;
}

/**
 * Opterius answers 422 for whatever it refuses that is not "not found" or "already exists" — the
 * licence's account limit and a blocked licence included — and 500 when the server could not be changed.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  account_limit_reached: 422,
  license_required: 422,
  idempotency_mismatch: 422,
  provisioning_failed: 500,
  agent_unreachable: 500,
};

/** The words Opterius uses for an auth refusal. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: 'Invalid API key',
  forbidden: 'Insufficient permissions',
};

@ErrorDialectProvider()
@Injectable()
export class OpteriusErrors implements ErrorDialect {
  matches = isOpteriusPath;

  status(code: ErrorCode): number {
    return STATUS[code] ?? statusOf(code);
  }

  body(e: DomainError): OpteriusErrorBody {
    const message = MESSAGES[e.code] ?? (e.code === 'validation_failed' && e.details?.length ? laravelMessage(e) : e.message);
    if (e.code !== 'validation_failed' || !e.details?.length) return { result: 'error', message };
    const errors: Record<string, string[]> = {};
    for (const d of e.details) (errors[d.field] ??= []).push(d.message);
    return { result: 'error', message, errors };
  }
}

/** Laravel's: the first message, "(and n more errors)" when there are more. */
function laravelMessage(e: DomainError): string {
  const [first, ...rest] = e.details!;
  return rest.length ? `${first.message} (and ${rest.length} more error${rest.length > 1 ? 's' : ''})` : first.message;
}
