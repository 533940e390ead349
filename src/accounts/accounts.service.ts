import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { accountFieldProblems, checkDomain, reversedLabels, suspendReasonProblem, textProblem } from '../agent-protocol/grammar';
import { DomainError, ErrorDetail } from '../common/errors/domain-error';
import { normalizeDomain } from '../common/domains';
import { Page } from '../common/pagination';
import { hashPassword } from '../common/passwords';
import { usernameProblem } from '../common/usernames';
import { nowToTheSecond } from '../common/whole-seconds';
import { ClientsService } from '../clients/clients.service';
import { DatabaseService, isForeignKeyViolation, isUniqueViolation } from '../platform/database/database.service';
import { takenField } from '../platform/database/unique-fields';
import { LicenseService } from '../license/license.service';
import { HostingPackage } from '../packages/package.entity';
import { PackagesService } from '../packages/packages.service';
import { AccountProvisioner, AccountTarget, leftUnchanged, PlanPreview, targetOf } from '../provisioning/provisioning.port';
import { Account, AccountStatus, PendingUpdate } from './account.entity';
import { AccountsRepository } from './accounts.repository';
import { dovecotHash } from '../mail/mail-passwords';
import { mailboxLimits } from '../mail/mailbox-limits';
import { MailboxesRepository } from '../mail/mailboxes.repository';
import { assertNoDomainOverlap } from './domain-overlap';
import { AccountQuery } from './dto/account-query.dto';
import { AccountView } from './dto/account.view';
import { AccountSuspensionsRepository } from './suspensions/account-suspensions.repository';
import { isSuspensionType, remainsSuspended, SUSPENSION_TYPES, SuspensionType } from './suspensions/suspension-types';
import { AccountEventType } from '../webhooks/outbox/event-types';
import { currentEventContext } from '../webhooks/outbox/event-context';
import { ServerPlacement } from '../servers/server-placement';

/** What a create needs; the package by id or by name (exactly one). snake_case like the API. */
export interface NewAccountInput {
  username: string;
  domain: string;
  email: string;
  password: string;
  package_id?: number;
  package?: string;
  client_id?: number | null;
  disk_limit_mb?: number | null;
  bandwidth_limit_mb?: number | null;
  /** The billing system's id for the service (WHMCS serviceid); unique. */
  external_id?: string | null;
  /** Free text, up to 255 characters (Plesk's webspace description). */
  description?: string | null;
  /** The server to place it on; absent: the token's pinned server, else the least-loaded online server. */
  server_id?: number | null;
  /** The token's pin before server_id (Opterius' order); the native API puts server_id first. */
  pin_first?: boolean;
}

/** What can change after create. username and domain cannot. */
export interface AccountPatch {
  email?: string;
  password?: string;
  package_id?: number;
  package?: string;
  client_id?: number | null;
  disk_limit_mb?: number | null;
  bandwidth_limit_mb?: number | null;
  description?: string | null;
}

/** One suspension to add; `type` defaults to `admin` (the native API before types existed). */
export interface SuspensionRequest {
  type?: SuspensionType;
  reason?: string | null;
  /** Who: the dialect and the token's name, kept with the suspension. */
  actor?: string | null;
}

/** The suspension(s) to lift: `type` (default `admin`), or `types` (Plesk's status 0 lifts what its 16 and 32 add). */
export interface SuspensionLift {
  type?: SuspensionType;
  types?: SuspensionType[];
}

const liftedTypes = (lift: SuspensionLift): SuspensionType[] => lift.types ?? [lift.type ?? 'admin'];
const inForce = (account: Account, type: SuspensionType): boolean => (account.suspensions ?? []).some((s) => s.type === type);

/** Creates racing on a Galera cluster lose the seat row at commit to each other; each runs again, a bounded number of times. */
const SEAT_ATTEMPTS = 12;

/** Rolls the dry-run transaction back after the indexes and the seat have had their say. */
class DryRunRollback extends Error {}

/** One lifecycle operation as carryOut runs it: the plan, where it lands, and how to go back. */
interface LifecycleOp {
  landing: AccountStatus;
  landingExtra?: Partial<Account>;
  /** Recorded with the landing, in its transaction. */
  event: AccountEventType;
  forward: (target: AccountTarget) => Promise<void>;
  back: AccountStatus;
  backExtra?: Partial<Account>;
  /** Written with the move of target_status to `back` (the suspension rows a failed plan gives back). */
  pointBack?: (em: EntityManager) => Promise<unknown>;
  reverse: (target: AccountTarget) => Promise<void>;
}

/**
 * Hosting accounts and their state machine: provisioning → active ⇄ suspended (through
 * suspending / unsuspending), updating (a PHP move), deleting, failed. Suspended while at least
 * one suspension (account_suspensions: billing, abuse, admin, client) is in force. Every operation first takes
 * the row with one conditional UPDATE into its transitional status (recording where it lands and
 * bumping op_seq, the plan's generation), so operations on one account never overlap, in any
 * process; the reconciler finishes one whose process died. Every server change goes through the
 * AccountProvisioner, always outside a transaction.
 * Conflicts are decided by the unique indexes and by conditional status updates, never by a
 * read followed by a write. The native API, the Plesk adapter and the billing adapter share it.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly suspensions: AccountSuspensionsRepository,
    private readonly db: DatabaseService,
    private readonly packages: PackagesService,
    private readonly clients: ClientsService,
    private readonly provisioner: AccountProvisioner,
    private readonly license: LicenseService,
    private readonly mailboxes: MailboxesRepository,
    private readonly placement: ServerPlacement,
  ) {}

  /**
   * Creates and provisions an account; answers it active. A failed provisioning leaves no row.
   * The agent sets the Linux user's password (sent as a plan secret, never in the plan); the panel
   * hashes it meanwhile and stores the hash with the move to active, and the primary mailbox
   * `{username}@{domain}` with the same hash in Dovecot's form (when the package allows a mailbox).
   */
  async create(input: NewAccountInput): Promise<Account> {
    this.license.assertWritable();
    const account = await this.draft(input);
    const pkg = await this.packages.get(account.packageId);
    // Retryable: it only writes rows, and on a Galera cluster a create on another node may win the seat row at commit.
    await this.db.retryableTransaction((em) => this.insert(em, account, input), SEAT_ATTEMPTS);
    const hashing = hashPassword(input.password);
    hashing.catch(() => undefined);
    let passwordHash: string;
    try {
      await this.provisioner.create({ ...targetOf(account), password: input.password });
      passwordHash = await hashing
        .then(async (hash) => {
          const limits = mailboxLimits(account, pkg);
          if (limits.allowsAnother(0)) await this.mailboxes.insert(null, account.id, account.domain, account.username, dovecotHash(hash), limits.defaultQuotaMb);
          return hash;
        })
        .catch(async (error: unknown) => {
          await this.provisioner.remove(targetOf(account));
          throw error;
        });
    } catch (error) {
      await this.discard(account);
      throw error;
    }
    await this.accounts.transition(account, ['provisioning'], 'active', { passwordHash, targetStatus: null }, 'account.created');
    await this.accounts.withSuspensions([account]); // its server's name, for the views
    return account;
  }

  /** The dry run of create: the same checks (409 included), the provisioner's plan, nothing kept. */
  async planCreate(input: NewAccountInput): Promise<PlanPreview> {
    this.license.assertWritable();
    const account = await this.draft(input);
    try {
      await this.db.transaction(async (em) => {
        await this.insert(em, account, input);
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return this.provisioner.plan(targetOf(account));
  }

  async get(id: number): Promise<Account> {
    const account = await this.accounts.findById(id);
    if (!account) throw DomainError.notFound('Account');
    return account;
  }

  /** The account as its view shows it (GET): the same row as `get`, read without Dates. */
  async view(id: number): Promise<AccountView> {
    const row = await this.accounts.viewById(id);
    if (!row) throw DomainError.notFound('Account');
    return AccountView.of(row);
  }

  findByGuid(guid: string): Promise<Account | null> {
    return this.accounts.findByGuid(guid);
  }

  findByExternalId(externalId: string): Promise<Account | null> {
    return this.accounts.findByColumn('externalId', externalId);
  }

  findByUsername(username: string): Promise<Account | null> {
    return this.accounts.findByColumn('username', username);
  }

  /** The account whose primary domain this is (normalised as on create). */
  findByDomain(domain: string): Promise<Account | null> {
    const normalized = normalizeDomain(domain);
    return normalized ? this.accounts.findByColumn('domain', normalized) : Promise.resolve(null);
  }

  /**
   * create, keyed on `external_id`: when an account already holds it (a billing system retrying a
   * create it thinks failed, or two racing), that account is the answer and nothing new is made.
   */
  async createOnce(input: NewAccountInput): Promise<{ account: Account; created: boolean }> {
    const externalId = input.external_id ?? null;
    if (externalId !== null) {
      const existing = await this.findByExternalId(externalId);
      if (existing) return { account: existing, created: false };
    }
    try {
      return { account: await this.create(input), created: true };
    } catch (error) {
      const existing = externalId !== null && error instanceof DomainError && error.code === 'conflict' ? await this.findByExternalId(externalId) : null;
      if (existing) return { account: existing, created: false };
      throw error;
    }
  }

  /** suspend, but that suspension already in force is the answer too (`changed` false), not a 409: billing systems retry. */
  async ensureSuspended(id: number, request: SuspensionRequest = {}): Promise<{ account: Account; changed: boolean }> {
    try {
      return { account: await this.suspend(id, request), changed: true };
    } catch (error) {
      const now = error instanceof DomainError && error.code === 'conflict' ? await this.get(id) : null;
      if (now?.status === 'suspended' && inForce(now, request.type ?? 'admin')) return { account: now, changed: false };
      throw error;
    }
  }

  /**
   * unsuspend, but a suspension not in force is the answer too (`changed` false), not a 409. The
   * account answered may still be suspended (for other reasons): callers say so.
   */
  async ensureLifted(id: number, lift: SuspensionLift = {}): Promise<{ account: Account; changed: boolean }> {
    try {
      return { account: await this.unsuspend(id, lift), changed: true };
    } catch (error) {
      const now = error instanceof DomainError && error.code === 'conflict' ? await this.get(id) : null;
      if (now && (now.status === 'active' || now.status === 'suspended') && !liftedTypes(lift).some((type) => inForce(now, type))) {
        return { account: now, changed: false };
      }
      throw error;
    }
  }

  /** Keyset pages filtered by status, username, domain, client_id; `view` shapes each row. */
  list<V = AccountView>(query: AccountQuery, view?: (account: Account) => V): Promise<Page<V>> {
    return this.accounts.page(query, view);
  }

  /** Every account of the client, whatever its status. */
  ofClient(clientId: number): Promise<Account[]> {
    return this.accounts.ofClient(clientId);
  }

  /**
   * Changes email, password, package (moving the PHP pool when its version differs), client, limits, description.
   * Without a PHP move it is one conditional UPDATE (409 while another operation holds the row).
   * With one, the row goes `updating` (its changes recorded in `pending`) while the agent moves
   * the pool, then takes every change at once and returns to its status; a failed move is undone.
   */
  async update(id: number, patch: AccountPatch): Promise<Account> {
    this.license.assertWritable();
    const immutable = (['username', 'domain'] as const).filter((f) => (patch as Record<string, unknown>)[f] !== undefined);
    if (immutable.length) throw DomainError.validation(immutable.map((field) => ({ field, message: `${field} is immutable: it cannot be changed after creation` })));
    const account = await this.get(id);
    if (account.status !== 'active' && account.status !== 'suspended') throw this.notChangeable(account);
    assertFields(patch, false);
    const changes: Partial<Account> = {};
    if (patch.email !== undefined) changes.email = patch.email;
    if (patch.description !== undefined) changes.description = patch.description || null;
    if (patch.password !== undefined) changes.passwordHash = await hashPassword(patch.password);
    // The Linux user's password first (SFTP), then the stored hashes: a failed change changes nothing here.
    if (patch.password !== undefined) await this.provisioner.changePassword(targetOf(account), patch.password);
    if (patch.disk_limit_mb !== undefined) changes.diskLimitMb = patch.disk_limit_mb;
    if (patch.bandwidth_limit_mb !== undefined) changes.bandwidthLimitMb = patch.bandwidth_limit_mb;
    if (patch.client_id !== undefined) changes.clientId = patch.client_id === null ? null : await this.existingClient(patch.client_id);
    let phpMove: PendingUpdate['php'] | null = null;
    if (patch.package_id !== undefined || patch.package !== undefined) {
      const pkg = await this.resolvePackage(patch);
      changes.packageId = pkg.id;
      if (pkg.phpVersion !== account.phpVersion) phpMove = { from: account.phpVersion, to: pkg.phpVersion };
    }
    if (phpMove) {
      const moved = await this.updateMovingPhp(account, phpMove, changes);
      if (changes.passwordHash !== undefined) await this.setPrimaryMailboxPassword(account, changes.passwordHash);
      return moved;
    }
    try {
      const changed = await this.accounts.updateIfStatus(id, ['active', 'suspended'], { ...changes, updatedAt: nowToTheSecond() }, 'account.updated');
      if (!changed) throw this.notChangeable(await this.get(id));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw await this.missingParent(changes);
      throw error;
    }
    if (changes.passwordHash !== undefined) await this.setPrimaryMailboxPassword(account, changes.passwordHash);
    return (await this.accounts.findById(id)) ?? Object.assign(account, changes);
  }

  /**
   * Adds one suspension (type `admin` unless told); 409 when that type is in force already, or
   * while another operation holds the row. The first one takes the account suspending → suspended
   * (the agent suspends it); a later one is only its row, no agent call. The row lock taken first
   * orders it against a concurrent add or lift, in any process.
   */
  async suspend(id: number, { type = 'admin', reason = null, actor = null }: SuspensionRequest = {}): Promise<Account> {
    this.license.assertWritable();
    if (!isSuspensionType(type)) throw DomainError.field('type', `type must be one of ${SUSPENSION_TYPES.join(', ')}`);
    const refused = suspendReasonProblem(reason);
    if (refused) throw DomainError.field('reason', refused);
    const row = { accountId: id, type, reason: reason || null, actor: actor?.slice(0, 100) ?? null, createdAt: nowToTheSecond() };
    const first = await this.db.transaction(async (em) => {
      const status = await this.accounts.lockStatus(em, id);
      if (status === 'active') {
        await this.accounts.updateIn(em, id, ['active'], { status: 'suspending', targetStatus: 'suspended', suspendReason: row.reason }, true);
      } else if (status !== 'suspended' || !(await this.accounts.updateIn(em, id, ['suspended'], {}))) {
        return null;
      }
      try {
        await this.suspensions.insert(em, row);
      } catch (error) {
        if (isUniqueViolation(error)) throw DomainError.conflict(`The account is already suspended (${type})`);
        throw error;
      }
      return status === 'active';
    });
    if (first === null) throw this.stateConflict(await this.get(id), 'suspended', 'suspend');
    if (first) {
      const account = (await this.accounts.findById(id)) ?? (await this.get(id));
      await this.carryOut(account, {
        landing: 'suspended',
        event: 'account.suspended',
        forward: (t) => this.provisioner.suspend(t),
        back: 'active',
        pointBack: (em) => this.suspensions.remove(em, id, [type]),
        reverse: (t) => this.provisioner.unsuspend(t),
        backExtra: { suspendReason: null },
      });
    }
    return this.get(id);
  }

  /**
   * Lifts one suspension (type `admin` unless told; a `billing` lift also lifts an admin one carried
   * over from the single flag); 409 when none of that type is in force. The account is unsuspended
   * (unsuspending → active, the agent's one call) only when it was the last; otherwise it answers
   * still suspended, with the suspensions that remain.
   */
  async unsuspend(id: number, lift: SuspensionLift = {}): Promise<Account> {
    this.license.assertWritable();
    const types = liftedTypes(lift);
    if (!types.every(isSuspensionType)) throw DomainError.field('type', `type must be one of ${SUSPENSION_TYPES.join(', ')}`);
    const outcome = await this.db.transaction(async (em) => {
      if ((await this.accounts.lockStatus(em, id)) !== 'suspended') return null;
      const lifted = await this.suspensions.remove(em, id, types, types.includes('billing'));
      if (!lifted.length) return { lifted, last: false };
      const remaining = await this.suspensions.inForce(em, id);
      const last = remaining.length === 0;
      const changes: Partial<Account> = last ? { status: 'unsuspending', targetStatus: 'active' } : { suspendReason: remaining[0].reason };
      await this.accounts.updateIn(em, id, ['suspended'], changes, last);
      return { lifted, last };
    });
    if (!outcome) throw this.stateConflict(await this.get(id), 'active', 'unsuspend');
    if (!outcome.lifted.length) {
      const now = await this.get(id);
      throw DomainError.conflict(
        `The account has no ${types.join(' or ')} suspension; ${remainsSuspended(now.suspensions ?? []).replace('Account remains', 'it remains')}`,
      );
    }
    if (outcome.last) {
      const account = (await this.accounts.findById(id)) ?? (await this.get(id));
      await this.carryOut(account, {
        landing: 'active',
        landingExtra: { suspendReason: null },
        event: 'account.unsuspended',
        forward: (t) => this.provisioner.unsuspend(t),
        back: 'suspended',
        pointBack: async (em) => {
          for (const { id: _id, ...row } of outcome.lifted) await this.suspensions.insert(em, row);
        },
        reverse: (t) => this.provisioner.suspend(t),
      });
    }
    return (await this.accounts.findById(id)) ?? (await this.get(id));
  }

  /**
   * deleting → provisioner.remove → row gone. Allowed from active, suspended and failed (a failed
   * row can always be deleted again); the removal takes everything whatever state the files are
   * in. A failed removal leaves the row `failed` (retryable); 409 while another operation holds it.
   */
  async remove(id: number): Promise<void> {
    this.license.assertWritable();
    const account = await this.accounts.begin(id, ['active', 'suspended', 'failed'], 'deleting', { targetStatus: null });
    if (!account) {
      const now = await this.get(id);
      throw DomainError.conflict(`The account is ${now.status}; it cannot be deleted now`);
    }
    try {
      await this.provisioner.remove(targetOf(account));
    } catch (error) {
      await this.accounts.transition(account, ['deleting'], 'failed');
      throw error;
    }
    await this.accounts.deleteIfStatus(id, ['deleting'], 'account.deleted');
  }

  /**
   * Runs the operation's plan and lands the row. On failure the row is pointed back (target_status
   * = `back`) and, unless the server is known unchanged, the reverse plan runs, so files and row
   * agree again; when even that fails the
   * row keeps its transitional status and the reconciler drives it to the recorded target.
   */
  private async carryOut(account: Account, op: LifecycleOp): Promise<void> {
    const holding = account.status;
    try {
      await op.forward(targetOf(account));
    } catch (error) {
      try {
        await this.pointBack(account, holding, op);
        if (!leftUnchanged(error)) await op.reverse(targetOf(account));
        await this.accounts.transition(account, [holding], op.back, { targetStatus: null, ...(op.backExtra ?? {}) });
      } catch (undoError) {
        this.logger.error(`account ${account.id}: ${holding} failed and could not be undone, left to the reconciler: ${(undoError as Error).message}`);
      }
      throw error;
    }
    if (!(await this.accounts.transition(account, [holding], op.landing, { targetStatus: null, ...(op.landingExtra ?? {}) }, op.event))) {
      this.logger.warn(`account ${account.id}: left ${holding} while its plan ran`);
    }
  }

  /** Records that the operation now heads back (`op.back`), with the suspension rows that go with it in the same transaction. */
  private async pointBack(account: Account, holding: AccountStatus, op: LifecycleOp): Promise<void> {
    const pointBack = op.pointBack;
    if (!pointBack) {
      await this.accounts.updateIfStatus(account.id, [holding], { targetStatus: op.back, updatedAt: nowToTheSecond() });
      return;
    }
    await this.db.transaction(async (em) => {
      if (await this.accounts.updateIn(em, account.id, [holding], { targetStatus: op.back })) await pointBack(em);
    });
  }

  /** The package change that moves the PHP pool: recorded (`updating` + pending), moved, then written at once. */
  private async updateMovingPhp(account: Account, php: PendingUpdate['php'], changes: Partial<Account>): Promise<Account> {
    const status = account.status;
    const pending: PendingUpdate = { php, changes: changes as Record<string, unknown> };
    const taken = await this.accounts.begin(account.id, [status], 'updating', { targetStatus: status, pending: JSON.stringify(pending) });
    if (!taken) throw this.notChangeable(await this.get(account.id));
    const undo = async (error: unknown): Promise<never> => {
      try {
        const back: PendingUpdate = { php: { from: php.to, to: php.from }, changes: {} };
        await this.accounts.updateIfStatus(taken.id, ['updating'], { pending: JSON.stringify(back), updatedAt: nowToTheSecond() });
        if (!leftUnchanged(error)) await this.provisioner.changePhpVersion({ ...targetOf(taken), phpVersion: php.from }, php.to);
        await this.accounts.updateIfStatus(taken.id, ['updating'], { status, targetStatus: null, pending: null, updatedAt: nowToTheSecond() });
      } catch (undoError) {
        this.logger.error(`account ${taken.id}: PHP move failed and could not be undone, left to the reconciler: ${(undoError as Error).message}`);
      }
      throw error;
    };
    try {
      await this.provisioner.changePhpVersion({ ...targetOf(taken), phpVersion: php.to }, php.from);
    } catch (error) {
      return undo(error);
    }
    const done = { ...changes, phpVersion: php.to, status, targetStatus: null, pending: null, updatedAt: nowToTheSecond() };
    try {
      await this.accounts.updateIfStatus(taken.id, ['updating'], done, 'account.updated');
    } catch (error) {
      if (isForeignKeyViolation(error)) return undo(await this.missingParent(changes));
      throw error;
    }
    return Object.assign(taken, done);
  }

  /** The primary mailbox follows the account's password (when it exists: it may have been deleted). */
  private async setPrimaryMailboxPassword(account: Account, passwordHash: string): Promise<void> {
    const primary = await this.mailboxes.find(account.id, account.username);
    if (primary) await this.mailboxes.update(primary.id, { passwordHash: dovecotHash(passwordHash) });
  }

  private notChangeable(account: Account): DomainError {
    return DomainError.conflict(`The account is ${account.status}; it can be changed only when active or suspended`);
  }

  /** Validates the input and builds the row (status provisioning); nothing is written. */
  private async draft(input: NewAccountInput): Promise<Account> {
    assertFields(input, true);
    const pkg = await this.resolvePackage(input);
    const clientId = input.client_id == null ? null : await this.existingClient(input.client_id);
    const now = nowToTheSecond();
    const domain = checkDomain(input.domain).domain!;
    return Object.assign(new Account(), {
      guid: randomUUID(),
      username: input.username,
      domain,
      domainReversed: reversedLabels(domain),
      email: input.email,
      passwordHash: '',
      packageId: pkg.id,
      clientId,
      status: 'provisioning' as AccountStatus,
      phpVersion: pkg.phpVersion,
      diskLimitMb: input.disk_limit_mb ?? null,
      bandwidthLimitMb: input.bandwidth_limit_mb ?? null,
      externalId: input.external_id ?? null,
      description: input.description || null,
      suspendReason: null,
      opSeq: 0,
      targetStatus: 'active' as AccountStatus,
      pending: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Takes a licence seat, places the account on a server and inserts the row; the unique indexes answer 409. */
  private async insert(em: EntityManager, account: Account, input: NewAccountInput): Promise<void> {
    // A retried transaction must not reuse the id its rolled-back insert was given (another node may own it now).
    delete (account as Partial<Account>).id;
    await this.license.reserveSeat(em);
    // After the seat lock, which every create takes: see domain-overlap.ts for why that makes it race-free.
    await assertNoDomainOverlap(em, account.domain, !this.db.isSqlite);
    // Also after it: the placement counts the accounts of every create before this one (server-placement.ts).
    account.serverId = await this.placement.place(em, {
      serverId: input.server_id,
      pinnedServerId: currentEventContext().pinnedServerId,
      pinFirst: input.pin_first,
    });
    try {
      await this.accounts.insert(em, account);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflictFor(error, account);
      if (isForeignKeyViolation(error)) throw await this.missingParent(account);
      throw error;
    }
  }

  /** Undoes the row of a create whose provisioning failed; marks it failed when even that fails. */
  private async discard(account: Account): Promise<void> {
    try {
      await this.accounts.deleteIfStatus(account.id, ['provisioning'], 'account.provisioning_failed');
    } catch (error) {
      this.logger.error(`account ${account.id}: provisioning failed and the row could not be removed: ${(error as Error).message}`);
      await this.accounts.transition(account, ['provisioning'], 'failed', {}, 'account.provisioning_failed').catch(() => undefined);
    }
  }

  private stateConflict(account: Account, wanted: AccountStatus, action: string): DomainError {
    if (account.status === wanted) return DomainError.conflict(`The account is already ${wanted}`);
    return DomainError.conflict(`The account is ${account.status}; it cannot ${action} now`);
  }

  /** The package named by `package_id` or `package` (exactly one) → else 422 on that field. */
  private async resolvePackage(input: { package_id?: number; package?: string }): Promise<HostingPackage> {
    if (input.package_id !== undefined && input.package !== undefined) {
      throw DomainError.field('package', 'send either package or package_id, not both');
    }
    if (input.package !== undefined) {
      const byName = typeof input.package === 'string' ? await this.packages.findByName(input.package) : null;
      if (!byName) throw DomainError.field('package', `package ${JSON.stringify(input.package)} does not exist`);
      return byName;
    }
    if (input.package_id === undefined) throw DomainError.field('package_id', 'package_id is required (or package, the package name)');
    const byId = Number.isSafeInteger(input.package_id) ? await this.packages.findById(input.package_id) : null;
    if (!byId) throw DomainError.field('package_id', `package ${input.package_id} does not exist`);
    return byId;
  }

  private async existingClient(clientId: number): Promise<number> {
    const client = Number.isSafeInteger(clientId) ? await this.clients.findById(clientId) : null;
    if (!client) throw DomainError.field('client_id', `client ${clientId} does not exist`);
    return client.id;
  }

  /** After a foreign key refused a write: which parent vanished meanwhile. */
  private async missingParent(row: Partial<Account>): Promise<DomainError> {
    if (row.clientId != null && !(await this.clients.findById(row.clientId))) return DomainError.field('client_id', `client ${row.clientId} does not exist`);
    return DomainError.field('package_id', `package ${row.packageId} does not exist`);
  }
}

/** Which of the account's unique fields was taken, as the refusing index says. */
function conflictFor(error: unknown, account: Account): DomainError {
  const field = takenField(error);
  if (field === 'domain') return DomainError.taken('domain', `The domain ${account.domain} is already in use on this server`);
  if (field === 'username') return DomainError.taken('username', `The username ${account.username} is already in use on this server`);
  if (field === 'external_id') return DomainError.taken('external_id', `An account with external_id ${account.externalId} already exists`);
  return DomainError.conflict('Username or domain is already in use on this server');
}

/** The DTOs' rules — the one grammar — for callers that come without one (adapters, CLI). */
function assertFields(input: Partial<NewAccountInput>, creating: boolean): void {
  const details: ErrorDetail[] = accountFieldProblems(input, creating);
  const description = input.description == null ? null : textProblem('description', input.description, 255, 0);
  if (description) details.push({ field: 'description', message: description });
  // The grammar is pure; whether the name is a user or group of this host is read now.
  const username = creating && !details.some((d) => d.field === 'username') ? usernameProblem(input.username) : null;
  if (username) details.unshift({ field: 'username', message: username });
  if (details.length) throw DomainError.validation(details);
}
