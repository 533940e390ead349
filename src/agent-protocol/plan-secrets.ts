import { passwordProblem } from './grammar';
import { UnsafeValueError } from './safe-values';

/**
 * The secrets a plan needs (the account's password, for chpasswd), carried beside the plan, never
 * in it: the plan is data the agent may log, preview, keep in its ledger or echo in an error; the
 * secrets travel only in the signed request body's `secrets` member (HMAC covers them) and reach
 * one tool's stdin. Nothing stores, logs or answers them.
 */
export interface PlanSecrets {
  password?: string;
}

/** The agent's check of the `secrets` member: absent, or an object with a password of the one grammar. */
export function parseSecrets(input: unknown): PlanSecrets {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new UnsafeValueError('secrets', 'must be an object');
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => k !== 'password');
  if (unknown.length) throw new UnsafeValueError('secrets', 'names an unknown secret');
  if (raw.password === undefined) return {};
  // The message names the rule, never the value.
  if (passwordProblem(raw.password)) throw new UnsafeValueError('secrets', 'carries a password outside the grammar');
  return { password: raw.password as string };
}
