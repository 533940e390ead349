import { localPartProblem } from './grammar';
import { hostIdentityProblem } from './host-identities';
import { parsePlanHost, PlanHost } from './plan-host';
import { assertRemovalTarget, assertSafeTarget, assertStoredTarget, PHP_VERSION_PATTERN, PlanTarget, SafeTarget, UnsafeValueError } from './safe-values';

/** The closed set of typed operations the agent knows; a plan names them, it never carries shell text. */
export const STEP_NAMES = [
  'user',
  'password',
  'home',
  'php_pool',
  'vhost',
  'dns',
  'mail',
  'certificate',
  'databases',
  'vhost_suspended',
  'shell_nologin',
  'mail_deferred',
  'php_version',
  'mailbox',
  'reload',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

export const PLAN_ACTIONS = ['create', 'suspend', 'unsuspend', 'remove', 'change_php', 'change_password', 'remove_mailbox'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export interface PlanStep {
  step: StepName;
  /** apply makes the change, undo reverses it; a failure reverses the finished ones with the other op. */
  op: 'apply' | 'undo';
}

export interface Plan {
  action: PlanAction;
  /** A create's passes the whole grammar; a removal's carries only username, domain and php_version (see safe-values). */
  target: PlanTarget;
  /** remove_mailbox only: the local part whose maildir goes (the grammar of grammar/mailboxes.ts). */
  mailbox?: string;
  /** change_php only: the version whose pool is replaced. */
  from_php_version?: string;
  steps: PlanStep[];
  /**
   * The account operation this plan belongs to: globally increasing (see generationOf), so a new
   * account with an old name has a higher one. The agent refuses a plan older than the last it ran
   * for the same username or domain. Required to execute; a preview may go without.
   */
  generation?: number;
  /** Unix seconds after which the agent refuses the plan (PLAN_TTL_SECONDS after it was built). */
  expires_at?: number;
  /** A create's: the addresses of the account's server for its zone (plan-host.ts); absent, the agent's own. */
  host?: PlanHost;
}

/** How long a built plan stays valid; the agent refuses it afterwards, whatever its signature says. */
export const PLAN_TTL_SECONDS = 300;
/** Operations per account that fit in one generation block (see generationOf). */
export const OPERATIONS_PER_ACCOUNT = 2 ** 20;

/**
 * An account operation's generation: the row id (never reused: AUTOINCREMENT on SQLite, InnoDB's
 * persistent counter on MariaDB) times 2^20 plus the row's operation counter. Every operation
 * bumps the counter, and a later row always has a larger id, so generations only grow per name.
 */
export function generationOf(accountId: number, opSeq: number): number {
  return accountId * OPERATIONS_PER_ACCOUNT + Math.min(opSeq, OPERATIONS_PER_ACCOUNT - 1);
}

const apply = (...names: StepName[]): PlanStep[] => names.map((step) => ({ step, op: 'apply' }));
const undo = (...names: StepName[]): PlanStep[] => names.map((step) => ({ step, op: 'undo' }));

/** The steps of each action, in order. */
export function stepsFor(action: PlanAction): PlanStep[] {
  switch (action) {
    case 'create':
      return apply('user', 'password', 'home', 'php_pool', 'vhost', 'dns', 'mail', 'reload');
    case 'suspend':
      return apply('vhost_suspended', 'shell_nologin', 'mail_deferred', 'reload');
    case 'unsuspend':
      return [...undo('mail_deferred', 'shell_nologin', 'vhost_suspended'), ...apply('reload')];
    case 'remove':
      // Stop serving first, then the data; every removal tolerates an absent piece.
      return [...undo('vhost', 'php_pool'), ...apply('reload'), ...undo('mail_deferred', 'mail', 'dns', 'certificate', 'databases', 'home', 'user')];
    case 'change_php':
      return apply('php_version', 'reload');
    case 'change_password':
      return apply('password');
    case 'remove_mailbox':
      return undo('mailbox');
  }
}

export function buildPlan(action: PlanAction, target: PlanTarget, fromPhpVersion?: string, generation?: number, nowMs = Date.now(), mailbox?: string): Plan {
  const removal = action === 'remove' || action === 'remove_mailbox';
  const carried: PlanTarget = removal
    ? {
        username: target.username,
        domain: target.domain,
        php_version: target.php_version,
        ...(action === 'remove' && target.databases?.length ? { databases: target.databases } : {}),
        ...(action === 'remove' && target.database_users?.length ? { database_users: target.database_users } : {}),
      }
    : target;
  return {
    action,
    target: carried,
    ...(mailbox !== undefined ? { mailbox } : {}),
    ...(fromPhpVersion ? { from_php_version: fromPhpVersion } : {}),
    steps: stepsFor(action),
    ...(generation !== undefined ? { generation, expires_at: Math.floor(nowMs / 1000) + PLAN_TTL_SECONDS } : {}),
  };
}

/**
 * The wall for a plan's target, by action. A create: the whole grammar, and the username must be
 * no user or group of this host yet (read now, from the host's own /etc/passwd and /etc/group).
 * A removal: only safe path segments, so any account can be deleted. The others act on an
 * existing account: safe values, whatever rule they predate.
 */
export function assertPlanTarget(action: PlanAction, input: unknown): PlanTarget {
  if (action === 'remove' || action === 'remove_mailbox') return assertRemovalTarget(input);
  if (action !== 'create') return assertStoredTarget(input);
  const target: SafeTarget = assertSafeTarget(input);
  const taken = hostIdentityProblem(target.username);
  if (taken) throw new UnsafeValueError('username', taken.slice('username '.length));
  return target;
}

/** The agent's check of a plan it receives: known action and steps, and every value through the wall again. */
export function parsePlan(input: unknown): Plan {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (!PLAN_ACTIONS.includes(raw.action as PlanAction)) throw new UnsafeValueError('action', 'is not a known plan action');
  const target = assertPlanTarget(raw.action as PlanAction, raw.target);
  if (!Array.isArray(raw.steps) || raw.steps.length === 0 || raw.steps.length > 32) throw new UnsafeValueError('steps', 'must list the steps');
  const steps = raw.steps.map((s: unknown) => {
    const step = (s ?? {}) as Record<string, unknown>;
    if (!STEP_NAMES.includes(step.step as StepName) || !['apply', 'undo'].includes(step.op as string)) {
      throw new UnsafeValueError('steps', 'names an unknown step or op');
    }
    return { step: step.step as StepName, op: step.op as PlanStep['op'] };
  });
  const plan: Plan = { action: raw.action as PlanAction, target, steps };
  if (raw.from_php_version !== undefined) {
    if (typeof raw.from_php_version !== 'string' || !PHP_VERSION_PATTERN.test(raw.from_php_version)) {
      throw new UnsafeValueError('from_php_version', 'must look like 8.2');
    }
    plan.from_php_version = raw.from_php_version;
  }
  if (plan.action === 'change_php' && !plan.from_php_version) throw new UnsafeValueError('from_php_version', 'is required');
  if (raw.mailbox !== undefined || plan.action === 'remove_mailbox') {
    const problem = localPartProblem(raw.mailbox, 'mailbox');
    if (problem) throw new UnsafeValueError('mailbox', problem.slice('mailbox '.length));
    plan.mailbox = raw.mailbox as string;
  }
  for (const field of ['generation', 'expires_at'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new UnsafeValueError(field, 'must be a whole number');
    plan[field] = value;
  }
  if (raw.host !== undefined) plan.host = parsePlanHost(raw.host);
  return plan;
}
