import { Account } from '../accounts/account.entity';
import { generationOf } from '../agent-protocol/plan';
import { PlanPreview } from '../agent-protocol/agent-client';
import { DatabaseOp } from '../agent-protocol/database-ops';

export { PlanPreview };

/**
 * What the accounts service asks of provisioning. The provisioning module implements it with
 * real steps run by the agent; everything here is data, never shell text.
 */
export interface AccountTarget {
  id: number;
  /** The server the account is on (accounts.server_id): its agent gets the plan. Absent: server 1. */
  serverId?: number;
  username: string;
  domain: string;
  email: string;
  phpVersion: string;
  /** A create's password: sent to the agent as a secret (never in the plan), for the Linux user. */
  password?: string;
  /** The operation's generation (generationOf(id, op_seq)); the agent refuses plans older than the last it ran for the name. */
  generation?: number;
  /** A removal's: the hosting databases and database users made for the account, which must be gone after it. */
  databases?: string[];
  databaseUsers?: string[];
}

/** The account as provisioning sees it; the generation is that of the row's current operation. */
export function targetOf(account: Account): AccountTarget {
  return {
    id: account.id,
    serverId: account.serverId,
    username: account.username,
    domain: account.domain,
    email: account.email,
    phpVersion: account.phpVersion,
    generation: generationOf(account.id, account.opSeq ?? 0),
  };
}

const UNCHANGED = Symbol.for('hostwright.provisioning.unchanged');

/** Marks an error after which the server is exactly as before the call (nothing ran, or all was undone). */
export function markUnchanged<E extends object>(error: E): E {
  (error as { [UNCHANGED]?: true })[UNCHANGED] = true;
  return error;
}

/** True for an error marked by markUnchanged: the caller can put its row back without a reverse plan. */
export function leftUnchanged(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [UNCHANGED]?: true })[UNCHANGED] === true;
}

/**
 * A failed call throws; when the server is known to be unchanged the error is markUnchanged,
 * otherwise (a plan that may have run partly) the caller must assume anything between before and after.
 */
export abstract class AccountProvisioner {
  /** Applies every step; on failure undoes those already applied and throws (nothing left behind). */
  abstract create(target: AccountTarget): Promise<void>;
  abstract suspend(target: AccountTarget): Promise<void>;
  abstract unsuspend(target: AccountTarget): Promise<void>;
  /** Removes everything seed 001 lists. Safe to repeat: absent pieces are skipped. */
  abstract remove(target: AccountTarget): Promise<void>;
  /** Moves the PHP-FPM pool when a package change brings another PHP version. */
  abstract changePhpVersion(target: AccountTarget, fromVersion: string): Promise<void>;
  /** Sets the Linux user's password (SFTP/SSH) through the agent; the password travels as a secret. */
  abstract changePassword(target: AccountTarget, password: string): Promise<void>;
  /** Removes one mailbox's maildir and its messages (the row is already gone). */
  abstract removeMailbox(target: AccountTarget, localPart: string): Promise<void>;
  /** What create would write and run, without doing it (dry run). */
  abstract plan(target: AccountTarget): Promise<PlanPreview>;
}

/** What the hosting-databases feature asks of provisioning: one operation on the hosting database server. */
export abstract class DatabaseProvisioner {
  /** On the account's server (serverId). Throws a DomainError: 409 a name the server already has, 503 no server (or agent), 500 the server refused. */
  abstract run(op: DatabaseOp, serverId: number): Promise<void>;
}
