import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from './error-body';

const DESCRIPTIONS: Record<number, string> = {
  400: 'bad_request — malformed JSON',
  401: 'unauthenticated — missing, unknown, revoked or expired token',
  403: 'forbidden — the token lacks the scope (or license_required / account_limit_reached)',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large — body over 1 MiB',
  422: 'validation_failed — one detail per bad field',
  429: 'rate_limited',
  503: 'service unavailable (agent_unreachable)',
};

/** Documents the error envelope for each status a route can answer with. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'error', type: ErrorBody })),
  );
}
