import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode, statusOf } from '../../common/errors/error-catalogue';
import { ErrorDialect, ErrorDialectProvider, ErrorRequest } from '../../common/errors/error-dialect';
import type { ResellerErrorView, RestV2ErrorView } from './plesk-error-docs';

/** 0xhost reseller paths: `/API/…`. */
export const isResellerPath = (path: string): boolean => path === '/API' || path.startsWith('/API/');
/** Plesk REST v2 paths: `/api/v2/…`. */
export const isRestV2Path = (path: string): boolean => path === '/api/v2' || path.startsWith('/api/v2/');

/** The reseller dialect keeps the native statuses. */
export const resellerStatus = statusOf;

/** Plesk REST answers 400 for every refusal of the data: invalid fields and a taken login or domain alike. */
const REFUSED_DATA: ReadonlySet<ErrorCode> = new Set(['validation_failed', 'conflict']);
export const restV2Status = (code: ErrorCode): number => (REFUSED_DATA.has(code) ? 400 : statusOf(code));

/** `{ success: false, message, errors? }`; errors maps each bad field to its messages (Hostwright's choice: 0xhost documents no errors). */
@ErrorDialectProvider()
@Injectable()
export class ResellerErrors implements ErrorDialect {
  matches = isResellerPath;
  status = resellerStatus;

  body(e: DomainError): ResellerErrorView {
    if (!e.details?.length) return { success: false, message: e.message };
    const errors: Record<string, string[]> = {};
    for (const d of e.details) (errors[d.field] ??= []).push(d.message);
    return { success: false, message: e.message, errors };
  }
}

/** Plesk REST's ErrorResponse `{ code: <HTTP status>, message }`; field details are folded into the message. */
@ErrorDialectProvider()
@Injectable()
export class RestV2Errors implements ErrorDialect {
  matches = isRestV2Path;
  status = restV2Status;

  body(e: DomainError, status: number, request: ErrorRequest): RestV2ErrorView {
    return { code: status, message: restV2Message(e, request) };
  }
}

function restV2Message(e: DomainError, request: ErrorRequest): string {
  // Plesk's own words for a taken login, with the login as the caller sent it (its spec's example).
  if (e.code === 'conflict' && e.details?.[0]?.field === 'login') {
    return `Client with login '${String((request.body as { login?: unknown } | undefined)?.login)}' already exists`;
  }
  return e.details?.length ? `${e.message}: ${e.details.map((d) => d.message).join('; ')}` : e.message;
}
