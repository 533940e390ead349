import { Injectable } from '@nestjs/common';
import { AccountsService } from '../../../accounts/accounts.service';
import { ClientLifecycleService } from '../../../accounts/client-lifecycle.service';
import { Client } from '../../../clients/client.entity';
import { ClientPatch, ClientsService } from '../../../clients/clients.service';
import { XmlApiError } from '../xml-api-error';
import { child, el, leaf, textOf, XmlElement, XmlNode } from '../xml-codec';
import { XML_ERRCODES } from '../xml-errors';
import { filterItems, FilterItem, idOf, perObject, statusCode } from './filters';
import { bytesOf, day, XmlOperation, XmlOperator } from './operation';
import { AccountUsage, UsageService } from '../../../usage/usage.service';

const CUSTOMER_FILTERS = ['id', 'login', 'guid', 'external-id', 'owner-id', 'owner-login', 'owner-guid'] as const;
/** Every client belongs to the admin; Plesk's admin is client 1 (owner-id 1). */
const ADMIN_OWNER = { id: '1', login: 'admin' };

/**
 * gen_info → the clients service's fields. Contact fields Hostwright does not keep (phone, fax, address…) are accepted and ignored.
 * The email is optional, as in Plesk (api-php-lib creates customers with pname, login and passwd only); empty means none.
 */
function patchOf(info: XmlElement | undefined): ClientPatch {
  const patch: ClientPatch = {};
  const take = (name: string) => textOf(info, name);
  if (take('pname') !== undefined) patch.name = take('pname');
  if (take('login') !== undefined) patch.login = take('login');
  if (take('passwd') !== undefined) patch.password = take('passwd');
  if (take('email') !== undefined) patch.email = take('email') || null;
  if (take('cname') !== undefined) patch.company = take('cname') || null;
  if (take('external-id') !== undefined) patch.external_id = take('external-id') || null;
  if (take('description') !== undefined) patch.description = take('description') || null;
  return patch;
}

/** Plesk's 0/16 → ours; any other value cannot be set (Plesk's own rule for customer set). */
function clientStatusOf(code: number | undefined): 'active' | 'suspended' | undefined {
  if (code === undefined) return undefined;
  if (code === 0) return 'active';
  if (code === 16) return 'suspended';
  throw new XmlApiError(XML_ERRCODES.operationFailed, `status ${code} cannot be set: only 0 (active) and 16 (disabled by admin)`);
}

export function customerGenInfo(c: Client): XmlNode {
  return el(
    'gen_info',
    leaf('cr_date', day(c.createdAt)),
    leaf('cname', c.company),
    leaf('pname', c.name),
    leaf('login', c.login),
    leaf('status', c.status === 'suspended' ? 16 : 0),
    leaf('phone', ''),
    leaf('fax', ''),
    leaf('email', c.email),
    leaf('address', ''),
    leaf('city', ''),
    leaf('state', ''),
    leaf('pcode', ''),
    leaf('country', ''),
    leaf('locale', 'en-US'),
    leaf('guid', c.guid),
    leaf('owner-login', ADMIN_OWNER.login),
    leaf('external-id', c.externalId),
    leaf('description', c.description),
  );
}

/**
 * `customer`: a Plesk customer is a Hostwright client, the same row the native API and both other
 * Plesk dialects see; suspend, activate and delete go through ClientLifecycleService (delete
 * cascades to the client's accounts, as Plesk removes a customer's subscriptions).
 */
@Injectable()
export class CustomerOperator implements XmlOperator {
  constructor(
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
    private readonly lifecycle: ClientLifecycleService,
    private readonly usage: UsageService,
  ) {}

  /** `client` is the same object under the protocol 1.0–1.5 name (WHMCS's oldest templates use it). */
  operations(): XmlOperation[] {
    return ['customer', 'client'].flatMap((operator): XmlOperation[] => [
      { operator, operation: 'add', scopes: ['clients:write'], handle: (op) => this.add(op) },
      { operator, operation: 'get', scopes: ['clients:read'], handle: (op) => this.get(op) },
      { operator, operation: 'set', scopes: ['clients:write', 'accounts:write'], handle: (op) => this.set(op) },
      { operator, operation: 'del', scopes: ['clients:write', 'accounts:write'], handle: (op) => this.del(op) },
      { operator, operation: 'get-domain-list', scopes: ['clients:read', 'accounts:read'], handle: (op) => this.domainList(op) },
    ]);
  }

  /** Every client, in id order. */
  async all(): Promise<Client[]> {
    const rows: Client[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.clients.list({ limit: 100, cursor }, (c) => c);
      rows.push(...page.data);
      cursor = page.meta.next_cursor ?? undefined;
    } while (cursor);
    return rows;
  }

  async find(item: FilterItem): Promise<Client[]> {
    const one = (c: Client | null) => (c ? [c] : []);
    switch (item.key) {
      case 'id': {
        const id = idOf(item.value);
        return id === null ? [] : one(await this.clients.findById(id));
      }
      case 'login':
        return item.value ? one(await this.clients.findByLogin(item.value)) : [];
      case 'guid':
        return one(await this.clients.findByGuid(item.value.toLowerCase()));
      case 'external-id':
        return item.value ? one(await this.clients.findByExternalId(item.value)) : [];
      case 'owner-id':
        return item.value === ADMIN_OWNER.id ? this.all() : [];
      case 'owner-login':
        return item.value.toLowerCase() === ADMIN_OWNER.login ? this.all() : [];
      default:
        return []; // owner-guid: the admin has none here
    }
  }

  /** The operation's work once per customer its filter selects (an empty filter: all). */
  private each(op: XmlElement, work: (c: Client) => Promise<XmlNode[]>): Promise<XmlNode[]> {
    return perObject(
      filterItems(op, CUSTOMER_FILTERS),
      () => this.all(),
      (i) => this.find(i),
      'client',
      work,
    );
  }

  private async add(op: XmlElement): Promise<XmlNode[]> {
    const info = child(op, 'gen_info');
    if (!info) throw new XmlApiError(XML_ERRCODES.parse, 'XML parsing error: customer add needs gen_info');
    const patch = patchOf(info);
    const status = clientStatusOf(statusCode(textOf(info, 'status'), 'status'));
    const client = await this.clients.create({
      ...(patch as Required<Pick<ClientPatch, 'name' | 'login' | 'password'>>),
      ...patch,
      status: status ?? 'active',
    });
    return [el('result', leaf('status', 'ok'), leaf('id', client.id), leaf('guid', client.guid))];
  }

  private async get(op: XmlElement): Promise<XmlNode[]> {
    const dataset = child(op, 'dataset');
    const wantsInfo = !dataset || Boolean(child(dataset, 'gen_info'));
    const wantsStat = Boolean(child(dataset, 'stat'));
    return this.each(op, async (c) => {
      const data: XmlNode[] = [];
      if (wantsInfo) data.push(customerGenInfo(c));
      if (wantsStat) data.push(await this.stat(c));
      return [el('data', ...data)];
    });
  }

  /** Counts Hostwright knows; disk and traffic (bytes) summed over the customer's accounts from the usage figures. */
  private async stat(c: Client): Promise<XmlNode> {
    const accounts = await this.accounts.ofClient(c.id);
    const usage = await Promise.all(accounts.map((a) => this.usage.of(a)));
    const sum = (pick: (u: AccountUsage) => number | null) => usage.reduce((total, u) => total + bytesOf(pick(u)), 0);
    return el(
      'stat',
      leaf('active_domains', accounts.filter((a) => a.status === 'active').length),
      leaf('domains', accounts.length),
      leaf('subdomains', 0),
      leaf(
        'disk_space',
        sum((u) => u.diskUsedMb),
      ),
      leaf('email_postboxes', 0),
      leaf('email_redirects', 0),
      leaf('email_groups', 0),
      leaf('email_responders', 0),
      leaf('email_lists', 0),
      leaf('data_bases', 0),
      leaf('web_users', 0),
      leaf(
        'traffic',
        sum((u) => u.bandwidthUsedMb),
      ),
      leaf('traffic_prevday', 0),
    );
  }

  private async set(op: XmlElement): Promise<XmlNode[]> {
    const info = child(child(op, 'values'), 'gen_info');
    if (!info) throw new XmlApiError(XML_ERRCODES.parse, 'XML parsing error: customer set needs values/gen_info');
    const patch = patchOf(info);
    const status = clientStatusOf(statusCode(textOf(info, 'status'), 'status'));
    return this.each(op, async (c) => {
      if (Object.keys(patch).length) await this.clients.update(c.id, patch);
      if (status) await this.lifecycle.setStatus(c.id, status);
      return [];
    });
  }

  private async del(op: XmlElement): Promise<XmlNode[]> {
    return this.each(op, async (c) => {
      await this.lifecycle.remove(c.id, { cascade: true });
      return [];
    });
  }

  private async domainList(op: XmlElement): Promise<XmlNode[]> {
    return this.each(op, async (c) => {
      const domains = (await this.accounts.ofClient(c.id)).map((a) =>
        el(
          'domain',
          leaf('id', a.id),
          leaf('name', a.domain),
          leaf('ascii-name', a.domain),
          leaf('type', 'domain'),
          leaf('main', 'true'),
          leaf('guid', a.guid),
          leaf('parent-id', a.id),
          leaf('domain-id', a.id),
        ),
      );
      return [el('data', ...domains)];
    });
  }
}
