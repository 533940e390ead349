/**
 * The wait before the next attempt after `attempts` failed ones: doubling from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so receivers that failed together do not
 * get their retries together.
 */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
