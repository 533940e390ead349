/** ISO-8601 UTC without milliseconds, as the seeds show: 2026-04-08T14:32:00Z. */
export function isoUtc(date: Date | null | undefined): string | null {
  if (!date) return null;
  const iso = date.toISOString();
  // 2026-04-08T14:32:00.000Z → cut the milliseconds (years past 9999 print longer: keep the regex there)
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
}
