import { applyDecorators, ArgumentsHost, Catch } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ApiError } from '../../common/api-error';
import { registerErrorFormatter } from '../../common/error-formatters';
import { AllExceptionsFilter } from '../../common/http-exception.filter';
import { NormalizedError } from '../../common/normalize-error';

/** 0xhost reseller paths: `/API/…`. */
export const isResellerPath = (path: string): boolean => path === '/API' || path.startsWith('/API/');
/** Plesk REST v2 paths: `/api/v2/…`. */
export const isRestV2Path = (path: string): boolean => path === '/api/v2' || path.startsWith('/api/v2/');

/** `{ success: false, message, errors? }`; errors maps each bad field to its messages (Hostwright's choice: 0xhost documents no errors). */
export function resellerError(e: NormalizedError): ResellerErrorView {
  if (!e.details?.length) return { success: false, message: e.message };
  const errors: Record<string, string[]> = {};
  for (const d of e.details) (errors[d.field] ??= []).push(d.message);
  return { success: false, message: e.message, errors };
}

/** Plesk REST's ErrorResponse `{ code: <HTTP status>, message }`; field details are folded into the message. */
export function restV2Error(e: NormalizedError): RestV2ErrorView {
  const message = e.details?.length ? `${e.message}: ${e.details.map((d) => d.message).join('; ')}` : e.message;
  return { code: e.status, message };
}

let registered = false;
/** Called once when the module loads: every error under the prefixes (404, 413, bad JSON, 429 too) takes the dialect's shape. */
export function registerPleskErrorFormats(): void {
  if (registered) return;
  registered = true;
  registerErrorFormatter(isResellerPath, resellerError);
  registerErrorFormatter(isRestV2Path, restV2Error);
}

/**
 * Plesk REST answers 400 for every refusal of the data: invalid fields and an existing login or
 * domain alike (its spec's example: `{code: 400, message: "Account with this name already
 * exists"}`). Scoped to the REST v2 controllers; the native API keeps 409 and 422.
 */
@Catch()
export class RestV2StatusFilter extends AllExceptionsFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof ApiError && (exception.getStatus() === 409 || exception.getStatus() === 422)) {
      exception = new ApiError(400, exception.code, exception.message, exception.details, exception.headers);
    }
    super.catch(exception, host);
  }
}

export class ResellerErrorView {
  @ApiProperty({ example: false })
  success: false;
  @ApiProperty({ example: 'A client with login johndoe already exists' })
  message: string;
  @ApiPropertyOptional({ example: { login: ['login is already taken'] }, type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  errors?: Record<string, string[]>;
}

export class RestV2ErrorView {
  @ApiProperty({ example: 400, description: 'The HTTP status' })
  code: number;
  @ApiProperty({ example: "Client with login 'janeroe' already exists" })
  message: string;
}

const RESELLER_DESCRIPTIONS: Record<number, string> = {
  401: 'missing or unknown x-api-key',
  403: 'the key lacks the scope, or the licence blocks writes (license_required)',
  404: 'unknown id or route',
  409: 'login or domain already taken',
  422: 'invalid fields (errors: field → messages)',
};
const REST_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid data, or login/domain already exists',
  401: 'missing or unknown X-API-Key / Basic password',
  403: 'the key lacks the scope, or the licence blocks writes',
  404: 'not found',
};

/** Documents the reseller error envelope for each status. */
export const ApiResellerErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: RESELLER_DESCRIPTIONS[status] ?? 'error', type: ResellerErrorView })));

/** Documents Plesk REST's ErrorResponse for each status. */
export const ApiRestV2Errors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: REST_DESCRIPTIONS[status] ?? 'error', type: RestV2ErrorView })));

/**
 * Runs a service call and renames the fields of its 422 details to the dialect's names
 * (`username` → `ftp_login`…); a 409 gets the field it is about when its message names one.
 */
export async function inDialectFields<T>(work: () => Promise<T>, names: Record<string, string>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.getStatus() === 422 && error.details?.length) {
      const details = error.details.map((d) => ({ field: names[d.field] ?? d.field, message: d.message }));
      throw new ApiError(422, error.code, error.message, details, error.headers);
    }
    if (error.getStatus() === 409) {
      const about = Object.keys(names).find((field) => new RegExp(`\\b${field}\\b`, 'i').test(error.message));
      if (about) throw new ApiError(409, error.code, error.message, [{ field: names[about], message: `${names[about]} is already taken` }], error.headers);
    }
    throw error;
  }
}
