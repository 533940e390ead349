import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AgentClients } from '../provisioning/agent-clients';
import { AgentUnreachableError, describeError } from '../agent-protocol/agent-errors';
import { buildCertificateRequest, CertificateFailedError, IssuedCertificate } from '../agent-protocol/certificates';
import { UnsafeValueError } from '../agent-protocol/safe-values';
import { Account } from '../accounts/account.entity';
import { AccountsRepository } from '../accounts/accounts.repository';
import { DomainError } from '../common/errors/domain-error';
import { nowToTheSecond } from '../common/whole-seconds';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { sqlDatetime } from '../platform/database/columns';
import { DatabaseService, isUniqueViolation } from '../platform/database/database.service';
import { CertificateEventType } from '../webhooks/outbox/event-types';
import { Outbox } from '../webhooks/outbox/outbox.service';
import { AccountCertificate, CertificateStatus } from './certificate.entity';
import { CertificateView } from './dto/certificate.view';
import { renewalTime, retryDelaySeconds } from './renewal-schedule';

export interface IssueOptions {
  redirect_http?: boolean;
  force?: boolean;
}

/** Accounts whose certificate the renewal job may renew: a suspended one keeps (and renews) its certificate. */
const INTERRUPTED_AFTER_MS = 15 * 60_000;

const RENEWABLE_ACCOUNT: Account['status'][] = ['active', 'suspended'];

/**
 * Account certificates: the row (what is installed, the last failure, the next attempt) and the
 * agent's certificate operation. One issuance per account at a time (a conditional UPDATE into
 * `issuing`). A failure keeps the reason and schedules a retry with exponential backoff; the
 * agent has already put the account's files back, so it serves as before.
 */
@Injectable()
export class CertificatesService implements OnModuleDestroy {
  private readonly logger = new Logger('Certificates');
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly db: DatabaseService,
    private readonly accounts: AccountsRepository,
    private readonly agents: AgentClients,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(accountId: number): Promise<AccountCertificate> {
    await this.account(accountId);
    const row = await this.find(accountId);
    if (!row) throw DomainError.notFound('Certificate');
    return row;
  }

  /**
   * Issues (or renews) the account's certificate and answers the row. An installed one that is not
   * due is answered as it is unless `force`. 409 unless the account is active, or while another issuance runs.
   */
  async issue(accountId: number, options: IssueOptions = {}): Promise<AccountCertificate> {
    const account = await this.account(accountId);
    if (account.status !== 'active') throw DomainError.conflict(`The account is ${account.status}; a certificate can be issued only for an active account`);
    await this.ensureRow(accountId, options.redirect_http ?? false);
    const row = (await this.find(accountId))!;
    const sameRedirect = options.redirect_http === undefined || options.redirect_http === row.redirectHttp;
    if (!options.force && sameRedirect && row.status === 'issued' && !this.due(row)) return row;
    return this.run(account, options.redirect_http ?? row.redirectHttp);
  }

  /** A create with `certificate: true`: the row is recorded now and the issuance runs after the answer (the renewal job retries). */
  requestAtCreate(account: Account): void {
    const work = this.ensureRow(account.id, false)
      .then(() => this.run(account, false))
      .catch((error: unknown) => this.logger.warn(`certificate for ${account.domain}: ${describeError(error)}`));
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** The vhost back to plain HTTP, every file the issuance made removed, the row gone. */
  async remove(accountId: number): Promise<void> {
    const account = await this.account(accountId);
    if (!RENEWABLE_ACCOUNT.includes(account.status)) throw DomainError.conflict(`The account is ${account.status}; its certificate cannot be removed now`);
    const row = await this.find(accountId);
    if (!row) throw DomainError.notFound('Certificate');
    if (!(await this.claim(accountId))) throw DomainError.conflict('An issuance of this certificate is under way; try again when it has finished');
    try {
      await (await this.agents.forServer(account.serverId)).agent.certificate(buildCertificateRequest('remove', this.target(account)));
    } catch (error) {
      await this.update(accountId, null, { status: row.status, lastError: `removal failed: ${describeError(error)}`.slice(0, 500) });
      throw this.toDomainError(error);
    }
    try {
      await this.reporting(async (em) => {
        const result = await em.delete(AccountCertificate, { accountId });
        // The row as it was before this removal claimed it.
        if (result.affected) await this.report(em, 'certificate.deleted', row);
      });
    } catch (error) {
      // Not left `issuing`: a DELETE again finishes the removal (the agent's is idempotent).
      await this.update(accountId, null, { status: row.status, lastError: `removal failed: ${describeError(error)}`.slice(0, 500) });
      throw error;
    }
  }

  /** One pass of the renewal job: every certificate whose next attempt is due, one after the other; how many were tried. */
  async renewDue(signal?: AbortSignal): Promise<number> {
    await this.releaseInterrupted();
    const due: { account_id: number }[] = await this.db.manager.query(
      `SELECT c.account_id FROM certificates c JOIN accounts a ON a.id = c.account_id
       WHERE c.status IN ('pending', 'issued', 'failed') AND c.next_attempt_at IS NOT NULL AND c.next_attempt_at <= ? AND a.status IN (?, ?)
       ORDER BY c.next_attempt_at LIMIT 100`,
      [sqlDatetime(new Date()), ...RENEWABLE_ACCOUNT],
    );
    let tried = 0;
    for (const { account_id } of due) {
      if (signal?.aborted) break;
      const account = await this.accounts.findById(Number(account_id));
      if (!account || !RENEWABLE_ACCOUNT.includes(account.status)) continue;
      const row = await this.find(account.id);
      if (!row) continue;
      tried++;
      await this.run(account, row.redirectHttp).catch((error: unknown) => this.logger.warn(`renewal of ${account.domain} failed: ${describeError(error)}`));
    }
    return tried;
  }

  /** An issuance whose process died leaves `issuing` behind: after a quarter of an hour it is a failure (certificate.failed) to retry now. */
  private async releaseInterrupted(): Promise<void> {
    const now = nowToTheSecond();
    const before = sqlDatetime(new Date(now.getTime() - INTERRUPTED_AFTER_MS));
    const stuck: { account_id: number }[] = await this.db.manager.query(`SELECT account_id FROM certificates WHERE status = 'issuing' AND updated_at < ?`, [before]);
    for (const { account_id } of stuck) {
      await this.reporting(async (em) => {
        // Raw datetimes: the renewal query below compares them as text on SQLite, to the second.
        const result = await em.queryRunner!.query(
          `UPDATE certificates SET status = CASE WHEN not_after IS NULL THEN 'failed' ELSE 'issued' END, last_error = ?, next_attempt_at = ?, updated_at = ?
           WHERE account_id = ? AND status = 'issuing' AND updated_at < ?`,
          ['the issuance was interrupted (the panel stopped while it ran)', sqlDatetime(now), sqlDatetime(now), Number(account_id), before],
          true,
        );
        if (result.affected) await this.report(em, 'certificate.failed', await em.findOneBy(AccountCertificate, { accountId: Number(account_id) }));
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  /** Claims the row, asks the agent, records the outcome; throws the failure (the row keeps it). */
  private async run(account: Account, redirectHttp: boolean): Promise<AccountCertificate> {
    const before = await this.find(account.id);
    if (!before || !(await this.claim(account.id))) throw DomainError.conflict('An issuance of this certificate is under way; try again when it has finished');
    let issued: IssuedCertificate | null;
    try {
      const { agent } = await this.agents.forServer(account.serverId);
      issued = await agent.certificate(buildCertificateRequest('issue', this.target(account), redirectHttp));
      if (!issued) throw new CertificateFailedError('the agent answered no certificate');
    } catch (error) {
      const failures = before.failures + 1;
      await this.update(account.id, 'certificate.failed', {
        // A failed renewal leaves the installed certificate serving.
        status: before.notAfter ? 'issued' : 'failed',
        lastError: reasonOf(error).slice(0, 500),
        failures,
        nextAttemptAt: new Date(nowToTheSecond().getTime() + retryDelaySeconds(failures, this.config.acme.retryBaseSeconds) * 1000),
      });
      throw this.toDomainError(error);
    }
    const notBefore = new Date(issued.not_before);
    const notAfter = new Date(issued.not_after);
    await this.update(account.id, before.notAfter ? 'certificate.renewed' : 'certificate.issued', {
      status: 'issued',
      redirectHttp,
      selfSigned: issued.self_signed,
      issuer: issued.issuer.slice(0, 255),
      names: JSON.stringify(issued.names),
      serial: issued.serial.slice(0, 128),
      notBefore,
      notAfter,
      // The self-signed fallback keeps the ACME failure visible and is retried like one.
      lastError: issued.acme_error?.slice(0, 500) ?? null,
      failures: issued.self_signed ? before.failures + 1 : 0,
      nextAttemptAt: issued.self_signed
        ? new Date(nowToTheSecond().getTime() + retryDelaySeconds(before.failures + 1, this.config.acme.retryBaseSeconds) * 1000)
        : renewalTime(notBefore, notAfter, this.config.acme.renewDays),
    });
    return (await this.find(account.id))!;
  }

  private due(row: AccountCertificate): boolean {
    return row.nextAttemptAt !== null && row.nextAttemptAt.getTime() <= Date.now();
  }

  private async account(id: number): Promise<Account> {
    const account = await this.accounts.findById(id);
    if (!account) throw DomainError.notFound('Account');
    return account;
  }

  private find(accountId: number): Promise<AccountCertificate | null> {
    return this.db.manager.findOneBy(AccountCertificate, { accountId });
  }

  private async ensureRow(accountId: number, redirectHttp: boolean): Promise<void> {
    const now = nowToTheSecond();
    const row: AccountCertificate = Object.assign(new AccountCertificate(), {
      accountId,
      status: 'pending' as CertificateStatus,
      redirectHttp,
      selfSigned: false,
      issuer: null,
      names: null,
      serial: null,
      notBefore: null,
      notAfter: null,
      lastError: null,
      failures: 0,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.db.write((em) => em.insert(AccountCertificate, row));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // already asked for
    }
  }

  /** pending/issued/failed → issuing, by one conditional UPDATE: two issuances of one account never overlap, in any process. */
  private async claim(accountId: number): Promise<boolean> {
    const result = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(AccountCertificate)
        .set({ status: 'issuing', nextAttemptAt: null, updatedAt: nowToTheSecond() })
        .where('account_id = :accountId', { accountId })
        .andWhere('status IN (:...from)', { from: ['pending', 'issued', 'failed'] })
        .execute(),
    );
    return (result.affected ?? 0) === 1;
  }

  /** The row's change, and its event (if any) in the same transaction. */
  private async update(accountId: number, event: CertificateEventType | null, changes: Partial<AccountCertificate>): Promise<void> {
    const change = (em: EntityManager) => em.update(AccountCertificate, { accountId }, { ...changes, updatedAt: nowToTheSecond() });
    if (!event) {
      await this.db.write(change);
      return;
    }
    await this.reporting(async (em) => {
      const result = await change(em);
      if (result.affected) await this.report(em, event, await em.findOneBy(AccountCertificate, { accountId }));
    });
  }

  /** The write and its events in one transaction; the dispatcher is woken once it commits. */
  private async reporting(work: (em: EntityManager) => Promise<void>): Promise<void> {
    await this.db.retryableTransaction(work);
    this.outbox.committed();
  }

  /** Keyed by the account: its certificate's events reach an endpoint in order with the account's own. */
  private async report(em: EntityManager, type: CertificateEventType, row: AccountCertificate | null): Promise<void> {
    if (row) await this.outbox.record(em, { type, resourceKey: `account:${row.accountId}`, data: CertificateView.of(row) });
  }

  private target(account: Account) {
    return { username: account.username, domain: account.domain, php_version: account.phpVersion };
  }

  private toDomainError(error: unknown): DomainError {
    if (error instanceof DomainError) return error;
    if (error instanceof CertificateFailedError) {
      return new DomainError('certificate_failed', `The certificate could not be issued; the account serves as before: ${error.reason}`);
    }
    if (error instanceof UnsafeValueError) return DomainError.field(error.field, error.message);
    if (error instanceof AgentUnreachableError) {
      return new DomainError('agent_unreachable', 'The provisioning agent is unreachable; try again later.', { retryAfterSeconds: 30 });
    }
    return new DomainError('certificate_failed', `The certificate could not be issued: ${describeError(error).slice(0, 400)}`);
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof CertificateFailedError) return error.reason;
  if (error instanceof AgentUnreachableError) return `the agent did not answer: ${error.message}`;
  return describeError(error);
}
