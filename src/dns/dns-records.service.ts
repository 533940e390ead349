import { Injectable } from '@nestjs/common';
import { AgentClient } from '../agent-protocol/agent-client';
import { AgentUnreachableError } from '../agent-protocol/agent-errors';
import { buildDnsChange, DnsAnswer, DnsChange, DnsRecordView, DnsRefusedError } from '../agent-protocol/dns-change';
import { checkDnsRecord } from '../agent-protocol/grammar';
import { UnsafeValueError } from '../agent-protocol/safe-values';
import { AccountsService } from '../accounts/accounts.service';
import { DomainError } from '../common/errors/domain-error';
import { PackagesService } from '../packages/packages.service';
import { CreateDnsRecordDto, UpdateDnsRecordDto } from './dto/dns-record.dto';

type ZoneChange = DnsChange extends infer C ? (C extends DnsChange ? Omit<C, 'zone' | 'expires_at'> : never) : never;

/**
 * An account's DNS records. The agent owns the PowerDNS rows and decides every rule that needs
 * the zone (apex, CNAME beside other data, other tenants' zones, the package limit, the serial);
 * a create's record is checked by the same grammar here first, so a bad one costs no agent call.
 */
@Injectable()
export class DnsRecordsService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly packages: PackagesService,
    private readonly agent: AgentClient,
  ) {}

  async list(accountId: number): Promise<DnsRecordView[]> {
    return (await this.send(accountId, { op: 'list' }, false)).records ?? [];
  }

  async create(accountId: number, body: CreateDnsRecordDto): Promise<DnsRecordView> {
    const account = await this.changeable(accountId);
    const checked = checkDnsRecord(body as unknown as Record<string, unknown>, account.domain);
    if (checked.problems) throw DomainError.validation(checked.problems);
    const limit = (await this.packages.findById(account.packageId))?.dnsRecordsLimit ?? 0;
    return (await this.call(account, { op: 'create', record: { ...body }, limit })).record!;
  }

  async update(accountId: number, recordId: number, body: UpdateDnsRecordDto): Promise<DnsRecordView> {
    return (await this.send(accountId, { op: 'update', id: recordId, patch: { ...body } }, true)).record!;
  }

  async remove(accountId: number, recordId: number): Promise<void> {
    await this.send(accountId, { op: 'delete', id: recordId }, true);
  }

  private async send(accountId: number, change: ZoneChange, writing: boolean): Promise<DnsAnswer> {
    const account = writing ? await this.changeable(accountId) : await this.accounts.get(accountId);
    return this.call(account, change);
  }

  /** Records change only while the account is active or suspended (its zone exists and no operation holds it). */
  private async changeable(accountId: number) {
    const account = await this.accounts.get(accountId);
    if (account.status !== 'active' && account.status !== 'suspended') {
      throw DomainError.conflict(`The account is ${account.status}; its DNS records can be changed only when active or suspended`);
    }
    return account;
  }

  private async call(account: { username: string; domain: string }, change: ZoneChange): Promise<DnsAnswer> {
    try {
      return await this.agent.dns(buildDnsChange({ ...change, zone: { domain: account.domain, username: account.username } } as DnsChange));
    } catch (error) {
      throw toDomainError(error);
    }
  }
}

function toDomainError(error: unknown): unknown {
  if (error instanceof DnsRefusedError) {
    if (error.reason === 'not_found') return new DomainError('not_found', error.message);
    if (error.reason === 'conflict') return DomainError.conflict(error.message);
    return DomainError.validation(error.problems.length ? error.problems : [{ field: 'record', message: error.message }], error.message);
  }
  if (error instanceof UnsafeValueError) return DomainError.field(error.field, error.message);
  if (error instanceof AgentUnreachableError) {
    return new DomainError('agent_unreachable', 'The provisioning agent is unreachable; the DNS records were not changed. Try again later.', { retryAfterSeconds: 30 });
  }
  return error;
}
