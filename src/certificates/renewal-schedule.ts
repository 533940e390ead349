const DAY_MS = 86_400_000;
/** The longest wait between two attempts after failures. */
export const MAX_RETRY_SECONDS = 86_400;

/**
 * When a certificate is renewed: `renewDays` before it expires, but not before two thirds of its
 * life (a certificate whose life is shorter than the window is not renewed at once, again and again).
 */
export function renewalTime(notBefore: Date, notAfter: Date, renewDays: number): Date {
  const windowStart = notAfter.getTime() - renewDays * DAY_MS;
  const twoThirds = notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3;
  return new Date(Math.max(windowStart, twoThirds));
}

/** After the n-th failure in a row (n ≥ 1): base, 2·base, 4·base, … seconds, at most a day. */
export function retryDelaySeconds(failures: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_SECONDS, baseSeconds * 2 ** Math.max(0, Math.min(failures, 32) - 1));
}
