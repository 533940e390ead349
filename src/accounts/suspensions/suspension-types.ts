/**
 * Why an account is suspended. Several may be in force at once; the account is served again only
 * when none remains, and each is lifted only by a lift of its own type:
 * - billing: the billing systems (Opterius verbs, the Commerce routes, our WHMCS module, Plesk XML status 32);
 * - abuse: only ever added and lifted by name (native `type: "abuse"`), so no billing call lifts it;
 * - admin: the native default, Plesk's 16 ("disabled by admin") and the Plesk domain status;
 * - client: its client's suspension (ClientLifecycleService), lifted when the client is.
 */
export const SUSPENSION_TYPES = ['billing', 'abuse', 'admin', 'client'] as const;
export type SuspensionType = (typeof SUSPENSION_TYPES)[number];

/** The actor of a suspension carried over from the single suspended flag (migration 1732500800000). */
export const MIGRATED_ACTOR = 'migration';

export const isSuspensionType = (value: unknown): value is SuspensionType => SUSPENSION_TYPES.includes(value as SuspensionType);

/** "abuse" or "abuse, client": the types in force, for "Account remains suspended (…)". */
export function describeTypes(suspensions: { type: string }[]): string {
  return suspensions.map((s) => s.type).join(', ');
}

/** What a caller is told when its lift left others in force. */
export function remainsSuspended(suspensions: { type: string }[]): string {
  return `Account remains suspended (${describeTypes(suspensions)})`;
}
