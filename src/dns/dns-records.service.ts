import { Injectable } from '@nestjs/common';
import { DnsAnswer, DnsRecordView } from '../agent-protocol/dns-change';
import { checkDnsRecord } from '../agent-protocol/grammar';
import { AccountsService } from '../accounts/accounts.service';
import { DomainError } from '../common/errors/domain-error';
import { PackagesService } from '../packages/packages.service';
import { DnsRecordsGateway, ZoneChange } from '../provisioning/dns-records.gateway';
import { CreateDnsRecordDto, UpdateDnsRecordDto } from './dto/dns-record.dto';

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
    private readonly gateway: DnsRecordsGateway,
  ) {}

  async list(accountId: number): Promise<DnsRecordView[]> {
    return (await this.send(accountId, { op: 'list' }, false)).records ?? [];
  }

  async create(accountId: number, body: CreateDnsRecordDto): Promise<DnsRecordView> {
    const account = await this.changeable(accountId);
    const checked = checkDnsRecord(body as unknown as Record<string, unknown>, account.domain);
    if (checked.problems) throw DomainError.validation(checked.problems);
    const limit = (await this.packages.findById(account.packageId))?.dnsRecordsLimit ?? 0;
    return (await this.gateway.send(account, { op: 'create', record: { ...body }, limit })).record!;
  }

  async update(accountId: number, recordId: number, body: UpdateDnsRecordDto): Promise<DnsRecordView> {
    return (await this.send(accountId, { op: 'update', id: recordId, patch: { ...body } }, true)).record!;
  }

  async remove(accountId: number, recordId: number): Promise<void> {
    await this.send(accountId, { op: 'delete', id: recordId }, true);
  }

  private async send(accountId: number, change: ZoneChange, writing: boolean): Promise<DnsAnswer> {
    const account = writing ? await this.changeable(accountId) : await this.accounts.get(accountId);
    return this.gateway.send(account, change);
  }

  /** Records change only while the account is active or suspended (its zone exists and no operation holds it). */
  private async changeable(accountId: number) {
    const account = await this.accounts.get(accountId);
    if (account.status !== 'active' && account.status !== 'suspended') {
      throw DomainError.conflict(`The account is ${account.status}; its DNS records can be changed only when active or suspended`);
    }
    return account;
  }
}
