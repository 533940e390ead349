import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { DomainError, ErrorDetail } from '../common/errors/domain-error';
import { Page, PageQuery, paginate } from '../common/pagination';
import { clientFieldProblems, textProblem } from '../agent-protocol/grammar';
import { hashPassword } from '../common/passwords';
import { nowToTheSecond } from '../common/whole-seconds';
import { DatabaseService, isForeignKeyViolation } from '../platform/database/database.service';
import { takenField } from '../platform/database/unique-fields';
import { LicenseService } from '../license/license.service';
import { Client, CLIENT_STATUSES, ClientStatus } from './client.entity';
import { ClientQuery } from './dto/client-query.dto';
import { ClientView } from './dto/client.view';
import { ClientEventType } from '../webhooks/outbox/event-types';
import { Outbox } from '../webhooks/outbox/outbox.service';

export interface NewClientInput {
  name: string;
  login: string;
  /** Optional here; each dialect's contract says whether it requires one. */
  email?: string | null;
  password: string;
  company?: string | null;
  status?: ClientStatus;
  external_id?: string | null;
  description?: string | null;
}

export type ClientPatch = Partial<NewClientInput>;

/**
 * Customers who own accounts. The native API and the Plesk adapter both go through here, so the
 * rules are checked here too (not only by the DTOs): logins are stored lowercase, so they are
 * unique alike on SQLite and on MariaDB's case-folding collation. This is the client row alone:
 * what its status and its deletion do to its accounts is ClientLifecycleService's (src/accounts).
 */
@Injectable()
export class ClientsService {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    private readonly db: DatabaseService,
    private readonly license: LicenseService,
    private readonly outbox: Outbox,
  ) {}

  async create(input: NewClientInput): Promise<Client> {
    this.license.assertWritable();
    assertValid(input, true);
    const client = Object.assign(new Client(), {
      guid: randomUUID(),
      name: input.name,
      login: input.login.toLowerCase(),
      email: input.email ?? null,
      passwordHash: await hashPassword(input.password),
      company: input.company ?? null,
      status: input.status ?? 'active',
      externalId: input.external_id ?? null,
      description: input.description ?? null,
      createdAt: nowToTheSecond(),
    });
    await this.write(input.login, () =>
      this.reporting(async (em) => {
        await em.insert(Client, client);
        await this.report(em, 'client.created', client);
      }),
    );
    return client;
  }

  list<V = ClientView>(query: ClientQuery, view: (client: Client) => V = ClientView.of as never): Promise<Page<V>> {
    const qb = this.clients.createQueryBuilder('c');
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.login) qb.andWhere('c.login = :login', { login: query.login.toLowerCase() });
    if (query.external_id) qb.andWhere('c.external_id = :externalId', { externalId: query.external_id });
    return paginate(qb, query as PageQuery, view);
  }

  count(): Promise<number> {
    return this.clients.count();
  }

  async get(id: number): Promise<Client> {
    const client = await this.findById(id);
    if (!client) throw DomainError.notFound('Client');
    return client;
  }

  findById(id: number): Promise<Client | null> {
    return this.clients.findOneBy({ id });
  }

  findByGuid(guid: string): Promise<Client | null> {
    return this.clients.findOneBy({ guid });
  }

  findByLogin(login: string): Promise<Client | null> {
    return this.clients.findOneBy({ login: login.toLowerCase() });
  }

  /** The oldest client with this email (emails are not unique). */
  findByEmail(email: string): Promise<Client | null> {
    return this.clients.findOne({ where: { email }, order: { id: 'ASC' } });
  }

  findByExternalId(externalId: string): Promise<Client | null> {
    return this.clients.findOneBy({ externalId });
  }

  async update(id: number, patch: ClientPatch): Promise<Client> {
    this.license.assertWritable();
    const client = await this.get(id);
    assertValid(patch, false);
    const changes: Partial<Client> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.login !== undefined) changes.login = patch.login.toLowerCase();
    if (patch.email !== undefined) changes.email = patch.email;
    if (patch.password !== undefined) changes.passwordHash = await hashPassword(patch.password);
    if (patch.company !== undefined) changes.company = patch.company;
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.external_id !== undefined) changes.externalId = patch.external_id;
    if (patch.description !== undefined) changes.description = patch.description;
    if (!Object.keys(changes).length) return client;
    const statusChanged = changes.status !== undefined && changes.status !== client.status;
    const fieldsChanged = Object.keys(changes).some((key) => key !== 'status');
    const updated = Object.assign(new Client(), client, changes);
    await this.write(patch.login, () =>
      this.reporting(async (em) => {
        await em.update(Client, { id }, changes);
        if (fieldsChanged) await this.report(em, 'client.updated', updated);
        if (statusChanged) await this.report(em, updated.status === 'suspended' ? 'client.suspended' : 'client.unsuspended', updated);
      }),
    );
    return Object.assign(client, changes);
  }

  setStatus(id: number, status: ClientStatus): Promise<Client> {
    return this.update(id, { status });
  }

  /** Refused with 409 while the client owns accounts (the foreign key decides, not a count). */
  async remove(id: number): Promise<void> {
    this.license.assertWritable();
    await this.get(id);
    try {
      await this.reporting(async (em) => {
        const before = await em.findOneBy(Client, { id });
        const result = await em.delete(Client, { id });
        if (result.affected && before) await this.report(em, 'client.deleted', before);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw DomainError.conflict('The client still owns accounts; delete or move them first');
      throw error;
    }
  }

  /** The write and its events in one transaction; the dispatcher is woken once it commits. */
  private async reporting(work: (em: EntityManager) => Promise<void>): Promise<void> {
    await this.db.retryableTransaction(work);
    this.outbox.committed();
  }

  private report(em: EntityManager, type: ClientEventType, client: Client): Promise<unknown> {
    return this.outbox.record(em, { type, resourceKey: `client:${client.id}`, data: ClientView.of(client) });
  }

  /** `login` as the caller sent it, for the message. */
  private async write(login: string | undefined, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (takenField(error) === 'login') throw DomainError.taken('login', `A client with login ${login} already exists`);
      throw error;
    }
  }
}

/** The DTOs' rules (the one grammar), for callers that come without one (the Plesk adapter). */
function assertValid(input: ClientPatch, creating: boolean): void {
  const details: ErrorDetail[] = clientFieldProblems(input, creating);
  if (input.description != null) {
    const problem = textProblem('description', input.description, 255, 0);
    if (problem) details.push({ field: 'description', message: problem });
  }
  if (input.status !== undefined && !(CLIENT_STATUSES as readonly string[]).includes(input.status)) {
    details.push({ field: 'status', message: `status must be one of ${CLIENT_STATUSES.join(', ')}` });
  }
  if (details.length) throw DomainError.validation(details);
}
