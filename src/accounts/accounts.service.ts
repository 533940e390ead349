import { findOneByColumn } from '../platform/database/find-one-by-column';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ApiError, ErrorDetail } from '../common/api-error';
import { accountFieldProblems, checkDomain, reversedLabels, suspendReasonProblem } from '../agent-protocol/grammar';
import { normalizeDomain } from '../common/domains';
import { Page, PageQuery, paginate } from '../common/pagination';
import { hashPassword } from '../common/passwords';
import { usernameProblem } from '../common/usernames';
import { nowToTheSecond } from '../common/whole-seconds';
import { ClientsService } from '../clients/clients.service';
import { DatabaseService, isForeignKeyViolation, isUniqueViolation } from '../platform/database/database.service';
import { LicenseService } from '../license/license.service';
import { HostingPackage } from '../packages/package.entity';
import { PackagesService } from '../packages/packages.service';
import { AccountProvisioner, AccountTarget, PlanPreview } from '../provisioning/provisioning.port';
import { Account, ACCOUNT_STATUSES, AccountStatus } from './account.entity';
import { assertNoDomainOverlap } from './domain-overlap';
import { AccountQuery } from './dto/account-query.dto';
import { AccountView } from './dto/account.view';

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
}

/** Rolls the dry-run transaction back after the indexes and the seat have had their say. */
class DryRunRollback extends Error {}

export function targetOf(account: Account): AccountTarget {
  return { id: account.id, username: account.username, domain: account.domain, email: account.email, phpVersion: account.phpVersion };
}

/**
 * Hosting accounts and their state machine: provisioning → active ⇄ suspended, deleting, failed.
 * Every server change goes through the AccountProvisioner, always outside a transaction.
 * Conflicts are decided by the unique indexes and by conditional status updates, never by a
 * read followed by a write. The native API, the Plesk adapter and the billing adapter share it.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');

  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly db: DatabaseService,
    private readonly packages: PackagesService,
    private readonly clients: ClientsService,
    private readonly provisioner: AccountProvisioner,
    private readonly license: LicenseService,
  ) {}

  /**
   * Creates and provisions an account; answers it active. A failed provisioning leaves no row.
   * The password is hashed while the agent works (nothing on the server needs it) and stored with
   * the move to active; until then the row holds no usable hash.
   */
  async create(input: NewAccountInput): Promise<Account> {
    this.license.assertWritable();
    const account = await this.draft(input);
    await this.db.transaction((em) => this.insert(em, account));
    const hashing = hashPassword(input.password);
    hashing.catch(() => undefined);
    let passwordHash: string;
    try {
      await this.provisioner.create(targetOf(account));
      passwordHash = await hashing.catch(async (error: unknown) => {
        await this.provisioner.remove(targetOf(account));
        throw error;
      });
    } catch (error) {
      await this.discard(account);
      throw error;
    }
    await this.transition(account, ['provisioning'], 'active', { passwordHash });
    return account;
  }

  /** The dry run of create: the same checks (409 included), the provisioner's plan, nothing kept. */
  async planCreate(input: NewAccountInput): Promise<PlanPreview> {
    this.license.assertWritable();
    const account = await this.draft(input);
    try {
      await this.db.transaction(async (em) => {
        await this.insert(em, account);
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return this.provisioner.plan(targetOf(account));
  }

  async get(id: number): Promise<Account> {
    const account = await findOneByColumn(this.accounts.manager.connection, Account, 'id', id);
    if (!account) throw ApiError.notFound('Account');
    return account;
  }

  findByGuid(guid: string): Promise<Account | null> {
    return findOneByColumn(this.accounts.manager.connection, Account, 'guid', guid);
  }

  findByUsername(username: string): Promise<Account | null> {
    return findOneByColumn(this.accounts.manager.connection, Account, 'username', username);
  }

  /** By domain, normalised as on create (case, trailing dot, IDN). */
  async findByDomain(domain: string): Promise<Account | null> {
    const normalized = normalizeDomain(domain);
    return normalized ? findOneByColumn(this.accounts.manager.connection, Account, 'domain', normalized) : null;
  }

  /** Keyset pages filtered by status, username, domain, client_id; `view` shapes each row. */
  list<V = AccountView>(query: AccountQuery, view: (account: Account) => V = AccountView.of as never): Promise<Page<V>> {
    const qb = this.accounts.createQueryBuilder('a');
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.username) qb.andWhere('a.username = :username', { username: query.username });
    if (query.domain) qb.andWhere('a.domain = :domain', { domain: normalizeDomain(query.domain) ?? query.domain });
    if (query.client_id) qb.andWhere('a.client_id = :clientId', { clientId: query.client_id });
    return paginate(qb, query as PageQuery, view);
  }

  async countByStatus(): Promise<Record<AccountStatus, number>> {
    const rows: { status: AccountStatus; n: string | number }[] = await this.accounts
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('a.status')
      .getRawMany();
    const counts = Object.fromEntries(ACCOUNT_STATUSES.map((s) => [s, 0])) as Record<AccountStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Changes email, password, package (moving the PHP pool when its version differs), client, limits. */
  async update(id: number, patch: AccountPatch): Promise<Account> {
    this.license.assertWritable();
    const immutable = (['username', 'domain'] as const).filter((f) => (patch as Record<string, unknown>)[f] !== undefined);
    if (immutable.length) throw ApiError.validation(immutable.map((field) => ({ field, message: `${field} is immutable: it cannot be changed after creation` })));
    const account = await this.get(id);
    if (account.status !== 'active' && account.status !== 'suspended') {
      throw ApiError.conflict(`The account is ${account.status}; it can be changed only when active or suspended`);
    }
    assertFields(patch, false);
    const changes: Partial<Account> = {};
    if (patch.email !== undefined) changes.email = patch.email;
    if (patch.password !== undefined) changes.passwordHash = await hashPassword(patch.password);
    if (patch.disk_limit_mb !== undefined) changes.diskLimitMb = patch.disk_limit_mb;
    if (patch.bandwidth_limit_mb !== undefined) changes.bandwidthLimitMb = patch.bandwidth_limit_mb;
    if (patch.client_id !== undefined) changes.clientId = patch.client_id === null ? null : await this.existingClient(patch.client_id);
    if (patch.package_id !== undefined || patch.package !== undefined) {
      const pkg = await this.resolvePackage(patch);
      changes.packageId = pkg.id;
      if (pkg.phpVersion !== account.phpVersion) {
        await this.provisioner.changePhpVersion({ ...targetOf(account), phpVersion: pkg.phpVersion }, account.phpVersion);
        changes.phpVersion = pkg.phpVersion;
      }
    }
    changes.updatedAt = nowToTheSecond();
    try {
      await this.db.write((em) => em.update(Account, { id }, changes));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw await this.missingParent(changes);
      throw error;
    }
    return Object.assign(account, changes);
  }

  /** active → suspended; 409 when already suspended (or not active). */
  async suspend(id: number, reason?: string | null): Promise<Account> {
    this.license.assertWritable();
    const refused = suspendReasonProblem(reason);
    if (refused) throw ApiError.field('reason', refused);
    const account = await this.get(id);
    if (!(await this.transition(account, ['active'], 'suspended', { suspendReason: reason || null }))) {
      throw this.stateConflict(await this.get(id), 'suspended', 'suspend');
    }
    try {
      await this.provisioner.suspend(targetOf(account));
    } catch (error) {
      await this.transition(account, ['suspended'], 'active', { suspendReason: null });
      throw error;
    }
    return account;
  }

  /** suspended → active; 409 when already active (or not suspended). */
  async unsuspend(id: number): Promise<Account> {
    this.license.assertWritable();
    const account = await this.get(id);
    const reason = account.suspendReason;
    if (!(await this.transition(account, ['suspended'], 'active', { suspendReason: null }))) {
      throw this.stateConflict(await this.get(id), 'active', 'unsuspend');
    }
    try {
      await this.provisioner.unsuspend(targetOf(account));
    } catch (error) {
      await this.transition(account, ['active'], 'suspended', { suspendReason: reason });
      throw error;
    }
    return account;
  }

  /** deleting → provisioner.remove → row gone. A failed removal leaves the row `failed` (retryable). */
  async remove(id: number): Promise<void> {
    this.license.assertWritable();
    const account = await this.get(id);
    if (!(await this.transition(account, ['active', 'suspended', 'failed'], 'deleting'))) {
      const now = await this.get(id);
      throw ApiError.conflict(`The account is ${now.status}; it cannot be deleted now`);
    }
    try {
      await this.provisioner.remove(targetOf(account));
    } catch (error) {
      await this.transition(account, ['deleting'], 'failed');
      throw error;
    }
    await this.db.write((em) => em.delete(Account, { id }));
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
      suspendReason: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Takes a licence seat and inserts the row; the unique indexes answer 409. */
  private async insert(em: EntityManager, account: Account): Promise<void> {
    await this.license.reserveSeat(em);
    // After the seat lock, which every create takes: see domain-overlap.ts for why that makes it race-free.
    await assertNoDomainOverlap(em, account.domain, !this.db.isSqlite);
    try {
      await em.insert(Account, account);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflictFor(error, account);
      if (isForeignKeyViolation(error)) throw await this.missingParent(account);
      throw error;
    }
  }

  /** Undoes the row of a create whose provisioning failed; marks it failed when even that fails. */
  private async discard(account: Account): Promise<void> {
    try {
      await this.db.write((em) => em.delete(Account, { id: account.id }));
    } catch (error) {
      this.logger.error(`account ${account.id}: provisioning failed and the row could not be removed: ${(error as Error).message}`);
      await this.transition(account, ['provisioning'], 'failed').catch(() => undefined);
    }
  }

  /** Moves the status only from one of `from` (a conditional update: concurrent calls cannot both win). */
  private async transition(account: Account, from: AccountStatus[], to: AccountStatus, extra: Partial<Account> = {}): Promise<boolean> {
    const changes = { status: to, updatedAt: nowToTheSecond(), ...extra };
    const result = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(Account)
        .set(changes)
        .where('id = :id', { id: account.id })
        .andWhere('status IN (:...from)', { from })
        .execute(),
    );
    if (!result.affected) return false;
    Object.assign(account, changes);
    return true;
  }

  private stateConflict(account: Account, wanted: AccountStatus, action: string): ApiError {
    if (account.status === wanted) return ApiError.conflict(`The account is already ${wanted}`);
    return ApiError.conflict(`The account is ${account.status}; it cannot ${action} now`);
  }

  /** The package named by `package_id` or `package` (exactly one) → else 422 on that field. */
  private async resolvePackage(input: { package_id?: number; package?: string }): Promise<HostingPackage> {
    if (input.package_id !== undefined && input.package !== undefined) {
      throw ApiError.field('package', 'send either package or package_id, not both');
    }
    if (input.package !== undefined) {
      const byName = typeof input.package === 'string' ? await this.packages.findByName(input.package) : null;
      if (!byName) throw ApiError.field('package', `package ${JSON.stringify(input.package)} does not exist`);
      return byName;
    }
    if (input.package_id === undefined) throw ApiError.field('package_id', 'package_id is required (or package, the package name)');
    const byId = Number.isSafeInteger(input.package_id) ? await this.packages.findById(input.package_id) : null;
    if (!byId) throw ApiError.field('package_id', `package ${input.package_id} does not exist`);
    return byId;
  }

  private async existingClient(clientId: number): Promise<number> {
    const client = Number.isSafeInteger(clientId) ? await this.clients.findById(clientId) : null;
    if (!client) throw ApiError.field('client_id', `client ${clientId} does not exist`);
    return client.id;
  }

  /** After a foreign key refused a write: which parent vanished meanwhile. */
  private async missingParent(row: Partial<Account>): Promise<ApiError> {
    if (row.clientId != null && !(await this.clients.findById(row.clientId))) return ApiError.field('client_id', `client ${row.clientId} does not exist`);
    return ApiError.field('package_id', `package ${row.packageId} does not exist`);
  }
}

function conflictFor(error: unknown, account: Account): ApiError {
  const text = String((error as Error).message);
  if (text.includes('domain')) return ApiError.conflict(`The domain ${account.domain} is already in use on this server`);
  if (text.includes('username')) return ApiError.conflict(`The username ${account.username} is already in use on this server`);
  return ApiError.conflict('Username or domain is already in use on this server');
}

/** The DTOs' rules — the one grammar — for callers that come without one (adapters, CLI). */
function assertFields(input: Partial<NewAccountInput>, creating: boolean): void {
  const details: ErrorDetail[] = accountFieldProblems(input, creating);
  // The grammar is pure; whether the name is a user or group of this host is read now.
  const username = creating && !details.some((d) => d.field === 'username') ? usernameProblem(input.username) : null;
  if (username) details.unshift({ field: 'username', message: username });
  if (details.length) throw ApiError.validation(details);
}
