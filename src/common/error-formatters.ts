import { NormalizedError } from './normalize-error';

/** Each API dialect renders the same error its own way; chosen by the request path. */
export type ErrorFormatter = (error: NormalizedError) => unknown;

interface Registration {
  matches: (path: string) => boolean;
  format: ErrorFormatter;
}

const registrations: Registration[] = [];

export function registerErrorFormatter(matches: (path: string) => boolean, format: ErrorFormatter): void {
  registrations.push({ matches, format });
}

export const nativeFormat: ErrorFormatter = (e) =>
  e.details?.length ? { error: e.code, message: e.message, details: e.details } : { error: e.code, message: e.message };

export function formatterFor(path: string): ErrorFormatter {
  return registrations.find((r) => r.matches(path))?.format ?? nativeFormat;
}
