import { DiscoveryService } from '@nestjs/core';
import { DomainError } from './domain-error';
import { ErrorCode, statusOf } from './error-catalogue';

/** What a dialect may read of the request it answers (Plesk REST echoes the login sent). */
export interface ErrorRequest {
  url: string;
  body?: unknown;
}

/** How one API dialect answers an error: the status it gives each code and the body it sends. */
export interface ErrorDialect {
  /** The paths it answers for, unknown routes under its prefix included. */
  matches(path: string): boolean;
  status(code: ErrorCode): number;
  body(error: DomainError, status: number, request: ErrorRequest): unknown;
  /** The body's media type; JSON unless said (the Plesk XML API answers text/xml). */
  contentType?: string;
}

/** Marks a provider as an ErrorDialect; ErrorDialects finds every one in the container. */
export const ErrorDialectProvider = DiscoveryService.createDecorator<void>();

/** `{ error, message, details? }` with the catalogue's status: every path no other dialect claims. */
export const NATIVE_DIALECT: ErrorDialect = {
  matches: () => true,
  status: statusOf,
  body: (e) => (e.details?.length ? { error: e.code, message: e.message, details: e.details } : { error: e.code, message: e.message }),
};
