/** ISO-8601 UTC without milliseconds, as the seeds show: 2026-04-08T14:32:00Z. */
export function isoUtc(date: Date | null | undefined): string | null {
  if (!date) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
