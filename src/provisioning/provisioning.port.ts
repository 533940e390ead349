import { PlanPreview } from '../agent-protocol/agent-client';

export { PlanPreview };

/**
 * What the accounts service asks of provisioning. The provisioning module implements it with
 * real steps run by the agent; everything here is data, never shell text.
 */
export interface AccountTarget {
  id: number;
  username: string;
  domain: string;
  email: string;
  phpVersion: string;
  /** The operation's generation (generationOf(id, op_seq)); the agent refuses plans older than the last it ran for the name. */
  generation?: number;
}

export abstract class AccountProvisioner {
  /** Applies every step; on failure undoes those already applied and throws (nothing left behind). */
  abstract create(target: AccountTarget): Promise<void>;
  abstract suspend(target: AccountTarget): Promise<void>;
  abstract unsuspend(target: AccountTarget): Promise<void>;
  /** Removes everything seed 001 lists. Safe to repeat: absent pieces are skipped. */
  abstract remove(target: AccountTarget): Promise<void>;
  /** Moves the PHP-FPM pool when a package change brings another PHP version. */
  abstract changePhpVersion(target: AccountTarget, fromVersion: string): Promise<void>;
  /** What create would write and run, without doing it (dry run). */
  abstract plan(target: AccountTarget): Promise<PlanPreview>;
}
