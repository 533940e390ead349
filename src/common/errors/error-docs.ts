import { ERROR_CATALOGUE, ERROR_CODES, ErrorCode, statusOf } from './error-catalogue';

/** The codes a dialect answers with `status`, each with its meaning: an OpenAPI response description. */
export function describeStatus(status: number, statusFor: (code: ErrorCode) => number = statusOf): string {
  const codes = ERROR_CODES.filter((code) => statusFor(code) === status);
  return codes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].meaning}`).join('; ') || 'error';
}

/** The catalogue as a Markdown table, for the OpenAPI description (README carries the same table). */
export function catalogueTable(): string {
  const rows = ERROR_CODES.map((code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].meaning} |`);
  return ['| code | status | meaning |', '|---|---|---|', ...rows].join('\n');
}
