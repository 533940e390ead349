import { Inject, Injectable } from '@nestjs/common';
import { contactEmailFor } from '../../../accounts/contact-email';
import { Account } from '../../../accounts/account.entity';
import { AccountsService } from '../../../accounts/accounts.service';
import { actorOf } from '../../../accounts/suspensions/actor';
import { remainsSuspended, SuspensionType } from '../../../accounts/suspensions/suspension-types';
import { Client } from '../../../clients/client.entity';
import { ClientsService } from '../../../clients/clients.service';
import { HostingPackage } from '../../../packages/package.entity';
import { PackagesService } from '../../../packages/packages.service';
import { APP_CONFIG, AppConfig } from '../../../platform/config/app-config';
import { Scope } from '../../../auth/scopes';
import { UsageService } from '../../../usage/usage.service';
import { XmlApiError } from '../xml-api-error';
import { child, el, leaf, textOf, XmlElement, XmlNode } from '../xml-codec';
import { errorResult, XML_ERRCODES } from '../xml-errors';
import { filterItems, FilterItem, idOf, perObject, statusCode } from './filters';
import { bytesOf, day, limitBytes, limitCount, XmlOperation, XmlOperationContext, XmlOperator } from './operation';

const WEBSPACE_FILTERS = ['id', 'name', 'guid', 'owner-id', 'owner-login', 'owner-guid', 'owner-external-id'] as const;

const reasonFor = (code: number) => `Plesk status ${code}: ${code === 32 ? 'disabled by reseller' : 'disabled by admin'} (XML API)`;

/**
 * Plesk's statuses → suspension types: 16 ("disabled by admin") is `admin`; 32 ("disabled by
 * reseller", what the WHMCS Plesk module sets as a reseller on an overdue invoice) is `billing`;
 * 0 lifts those two and nothing else (abuse and client suspensions stay).
 */
const typeFor = (code: number): SuspensionType => (code === 32 ? 'billing' : 'admin');
const PLESK_TYPES: SuspensionType[] = ['admin', 'billing'];

/** Our status → Plesk's: active 0; suspended 32 when billing is its only suspension, else 16. */
export function webspaceStatus(a: Account): number {
  if (a.status === 'active') return 0;
  const types = (a.suspensions ?? []).map((s) => s.type);
  if (a.status === 'suspended' && types.length > 0 && types.every((t) => t === 'billing')) return 32;
  return 16;
}

/**
 * `hosting/vrt_hst` settings, name → value: `<property><name/><value/></property>` (protocol 1.6) or
 * a child per setting, `<ftp_password>…</ftp_password>` (the `domain` operator of protocol 1.0–1.5).
 */
function properties(op: XmlElement | undefined): Map<string, string> {
  const found = new Map<string, string>();
  const vrt = child(child(op, 'hosting'), 'vrt_hst');
  for (const p of vrt?.children ?? []) {
    if (p.name === 'property') found.set(textOf(p, 'name') ?? '', textOf(p, 'value') ?? '');
    else if (p.name !== 'ip_address' && !p.children.length) found.set(p.name, p.text);
  }
  return found;
}

const MIB = 1024 * 1024;
/** `limits/limit` disk_space and max_traffic (bytes) → per-account overrides in MiB; -1 and 0 leave the package's. */
function limitOverrides(op: XmlElement | undefined): { disk_limit_mb?: number; bandwidth_limit_mb?: number } {
  const overrides: { disk_limit_mb?: number; bandwidth_limit_mb?: number } = {};
  for (const limit of child(op, 'limits')?.children ?? []) {
    if (limit.name !== 'limit') continue;
    const name = textOf(limit, 'name');
    const value = textOf(limit, 'value') ?? '';
    if (name !== 'disk_space' && name !== 'max_traffic') continue;
    if (!/^-?\d{1,19}$/.test(value)) throw new XmlApiError(XML_ERRCODES.operationFailed, `limit ${name} must be a number of bytes (-1 unlimited)`);
    const bytes = Number(value);
    if (bytes <= 0) continue;
    overrides[name === 'disk_space' ? 'disk_limit_mb' : 'bandwidth_limit_mb'] = Math.ceil(bytes / MIB);
  }
  return overrides;
}

/**
 * `webspace`: a subscription is a Hostwright account (its main domain is the webspace name, its
 * FTP login the account username). Status 16 adds the `admin` suspension, 32 the `billing` one,
 * 0 lifts both (errcode 1023 "Account remains suspended (abuse)" when another type remains),
 * through the accounts service as every other dialect does.
 */
@Injectable()
export class WebspaceOperator implements XmlOperator {
  constructor(
    private readonly accounts: AccountsService,
    private readonly clients: ClientsService,
    private readonly packages: PackagesService,
    private readonly usage: UsageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `domain` is the same object under the protocol 1.0–1.5 name: WHMCS's Plesk module still sends
   * its status and FTP password changes as `<packet version="1.0.0.0"><domain><set>`.
   */
  operations(): XmlOperation[] {
    return ['webspace', 'domain'].flatMap((operator) => [
      { operator, operation: 'add', scopes: ['accounts:write'] as Scope[], handle: (op: XmlElement, ctx: XmlOperationContext) => this.add(op, ctx) },
      { operator, operation: 'get', scopes: ['accounts:read'] as Scope[], handle: (op: XmlElement) => this.get(op) },
      { operator, operation: 'set', scopes: ['accounts:write'] as Scope[], handle: (op: XmlElement, ctx: XmlOperationContext) => this.set(op, ctx) },
      { operator, operation: 'del', scopes: ['accounts:write'] as Scope[], handle: (op: XmlElement) => this.del(op) },
      ...(operator === 'webspace'
        ? [{ operator, operation: 'switch-subscription', scopes: ['accounts:write'] as Scope[], handle: (op: XmlElement) => this.switchSubscription(op) }]
        : []),
    ]);
  }

  /** The operation's work once per webspace its filter selects (an empty filter: all). */
  private each(op: XmlElement, work: (a: Account) => Promise<XmlNode[]>): Promise<XmlNode[]> {
    return perObject(
      filterItems(op, WEBSPACE_FILTERS),
      () => this.all(),
      (i) => this.find(i),
      'webspace',
      work,
      (i) => i.key.startsWith('owner-'),
    );
  }

  private async all(): Promise<Account[]> {
    const rows: Account[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.accounts.list({ limit: 100, cursor }, (a) => a);
      rows.push(...page.data);
      cursor = page.meta.next_cursor ?? undefined;
    } while (cursor);
    return rows;
  }

  private async find(item: FilterItem): Promise<Account[]> {
    const v = item.value.trim();
    switch (item.key) {
      case 'id': {
        const id = idOf(v);
        return id === null ? [] : [await this.accounts.get(id).catch(() => null)].filter((a): a is Account => a !== null);
      }
      case 'guid': {
        const a = await this.accounts.findByGuid(v.toLowerCase());
        return a ? [a] : [];
      }
      case 'name': {
        const page = await this.accounts.list({ limit: 1, domain: v.toLowerCase() }, (a) => a);
        return page.data;
      }
      default: {
        const owner = await this.owner(item.key.replace(/^owner-/, ''), v);
        return this.accounts.ofClient(owner.id);
      }
    }
  }

  /** The owner by id, login, guid or external-id. */
  private async owner(key: string, value: string): Promise<Client> {
    const id = key === 'id' ? idOf(value) : null;
    const found =
      key === 'id'
        ? id === null
          ? null
          : await this.clients.findById(id)
        : key === 'login'
          ? await this.clients.findByLogin(value)
          : key === 'guid'
            ? await this.clients.findByGuid(value.toLowerCase())
            : key === 'external-id'
              ? await this.clients.findByExternalId(value)
              : null;
    if (!found) throw new XmlApiError(XML_ERRCODES.notFound, `client does not exist (owner-${key} ${value.slice(0, 64)})`);
    return found;
  }

  /** plan-name, plan-guid or plan-id; none → the first package (Plesk would make a custom subscription). */
  private async plan(op: XmlElement): Promise<HostingPackage> {
    const name = textOf(op, 'plan-name');
    const guid = textOf(op, 'plan-guid');
    const id = textOf(op, 'plan-id');
    const found =
      name !== undefined
        ? await this.packages.findByName(name)
        : guid !== undefined
          ? await this.packages.findByGuid(guid.toLowerCase())
          : id !== undefined
            ? idOf(id) === null
              ? null
              : await this.packages.findById(idOf(id)!)
            : ((await this.packages.list())[0] ?? null);
    if (!found) throw new XmlApiError(XML_ERRCODES.notFound, `Service plan ${name ?? guid ?? id ?? ''} does not exist`);
    return found;
  }

  private async add(op: XmlElement, ctx: XmlOperationContext): Promise<XmlNode[]> {
    const setup = child(op, 'gen_setup');
    const domain = textOf(setup, 'name');
    if (!setup || !domain) throw new XmlApiError(XML_ERRCODES.parse, 'XML parsing error: webspace add needs gen_setup/name');
    const htype = textOf(setup, 'htype') ?? 'vrt_hst';
    if (htype !== 'vrt_hst') throw new XmlApiError(XML_ERRCODES.operationFailed, `htype ${htype} is not supported: only vrt_hst (hosted)`);
    const status = statusCode(textOf(setup, 'status'), 'status') ?? 0;
    if (![0, 16, 32].includes(status)) throw new XmlApiError(XML_ERRCODES.operationFailed, `status ${status} is not supported: 0, 16 or 32`);
    const ownerKey = ['owner-id', 'owner-login', 'owner-guid', 'owner-external-id'].find((k) => textOf(setup, k) !== undefined);
    const owner = ownerKey ? await this.owner(ownerKey.replace(/^owner-/, ''), textOf(setup, ownerKey)!) : null;
    const props = properties(op);
    const ftpLogin = props.get('ftp_login');
    const ftpPassword = props.get('ftp_password');
    if (!ftpLogin || !ftpPassword) throw new XmlApiError(XML_ERRCODES.operationFailed, 'hosting/vrt_hst needs the properties ftp_login and ftp_password');
    const plan = await this.plan(op);
    let account = await this.accounts.create({
      username: ftpLogin,
      domain,
      email: contactEmailFor(owner, domain),
      password: ftpPassword,
      package_id: plan.id,
      client_id: owner?.id ?? null,
      description: textOf(setup, 'description') || null,
      ...limitOverrides(op),
    });
    if (status !== 0) account = await this.accounts.suspend(account.id, { type: typeFor(status), reason: reasonFor(status), actor: actorOf('plesk-xml', ctx.principal) });
    return [el('result', leaf('status', 'ok'), leaf('id', account.id), leaf('guid', account.guid))];
  }

  private async get(op: XmlElement): Promise<XmlNode[]> {
    const dataset = child(op, 'dataset');
    const wants = (name: string) => (dataset ? Boolean(child(dataset, name)) : name === 'gen_info');
    return this.each(op, async (a) => {
      const [owner, plan, usage] = await Promise.all([a.clientId ? this.clients.findById(a.clientId) : null, this.packages.findById(a.packageId), this.usage.of(a)]);
      const used = { disk: bytesOf(usage.diskUsedMb), traffic: bytesOf(usage.bandwidthUsedMb) };
      const data: XmlNode[] = [];
      if (wants('gen_info')) data.push(this.genInfo(a, owner, used.disk));
      if (wants('hosting')) data.push(this.hosting(a));
      if (wants('limits')) data.push(this.limits(a, plan));
      if (wants('stat')) data.push(this.stat(used.traffic));
      if (wants('resource-usage')) {
        const resource = (name: string, value: number) => el('resource', leaf('name', name), leaf('value', value));
        data.push(
          el('resource-usage', resource('disk_space', used.disk), resource('max_traffic', used.traffic), resource('max_site', 1), resource('max_dom_aliases', 0)),
        );
      }
      if (wants('subscriptions')) {
        data.push(el('subscriptions', el('subscription', leaf('locked', 'false'), leaf('synchronized', 'true'), el('plan', leaf('plan-guid', plan?.guid ?? '')))));
      }
      if (wants('prefs')) data.push(el('prefs', leaf('www', 'true'), leaf('stat_ttl', 0)));
      if (wants('disk_usage')) {
        data.push(
          el(
            'disk_usage',
            leaf('httpdocs', 0),
            leaf('httpsdocs', 0),
            leaf('subdomains', 0),
            leaf('anonftp', 0),
            leaf('logs', 0),
            leaf('dbases', 0),
            leaf('mailboxes', 0),
            leaf('webapps', 0),
            leaf('maillists', 0),
            leaf('domaindumps', 0),
            leaf('configs', 0),
            leaf('chroot', 0),
          ),
        );
      }
      return [el('data', ...data)];
    });
  }

  /** real_size is the disk in use, in bytes (WHMCS's UsageUpdate reads it as the disk usage). */
  private genInfo(a: Account, owner: Client | null, diskBytes: number): XmlNode {
    return el(
      'gen_info',
      leaf('cr_date', day(a.createdAt)),
      leaf('name', a.domain),
      leaf('ascii-name', a.domain),
      leaf('status', webspaceStatus(a)),
      leaf('real_size', diskBytes),
      leaf('owner-id', owner?.id ?? 1),
      leaf('owner-login', owner?.login ?? 'admin'),
      leaf('owner-guid', owner?.guid ?? ''),
      leaf('dns_ip_address', a.serverIpv4 ?? this.config.provisioning.serverIp),
      leaf('htype', 'vrt_hst'),
      leaf('guid', a.guid),
      leaf('webspace-guid', a.guid),
      leaf('description', a.description),
    );
  }

  private hosting(a: Account): XmlNode {
    const prop = (name: string, value: string) => el('property', leaf('name', name), leaf('value', value));
    return el(
      'hosting',
      el(
        'vrt_hst',
        prop('ftp_login', a.username),
        prop('www_root', `/home/${a.username}/${a.domain}/public_html`),
        prop('php', 'true'),
        prop('php_handler_id', `fpm-${a.phpVersion}`),
        leaf('ip_address', a.serverIpv4 ?? this.config.provisioning.serverIp),
      ),
    );
  }

  /** Bytes for disk and traffic (-1 unlimited): the account's own limits, else its package's. */
  private limits(a: Account, plan: HostingPackage | null): XmlNode {
    const limit = (name: string, value: number) => el('limit', leaf('name', name), leaf('value', value));
    return el(
      'limits',
      leaf('overuse', 'normal'),
      limit('disk_space', limitBytes(a.diskLimitMb ?? plan?.diskQuotaMb)),
      limit('max_traffic', limitBytes(a.bandwidthLimitMb ?? plan?.bandwidthMb)),
      limit('max_site', plan ? limitCount(plan.maxDomains) : -1),
      limit('max_db', plan ? limitCount(plan.maxDatabases) : -1),
      limit('max_box', plan ? limitCount(plan.maxEmailAccounts) : -1),
    );
  }

  /** traffic is this month's, in bytes, from the usage figures; the counts are of what Hostwright has (one site, no mail objects). */
  private stat(trafficBytes: number): XmlNode {
    const counts = ['subdom', 'wu', 'box', 'redir', 'mg', 'resp', 'mg_users', 'db', 'maillists', 'webapps'].map((n) => leaf(n, 0));
    return el('stat', leaf('traffic', trafficBytes), leaf('domains', 1), ...counts, leaf('traffic_prevday', 0));
  }

  private async set(op: XmlElement, ctx: XmlOperationContext): Promise<XmlNode[]> {
    const unfiltered = !child(op, 'filter') && !child(op, 'values') ? textOf(child(op, 'gen_setup'), 'name') : undefined;
    if (unfiltered !== undefined) return this.setNamed(op, unfiltered);
    const values = child(op, 'values');
    if (!values) throw new XmlApiError(XML_ERRCODES.parse, 'XML parsing error: webspace set needs values');
    const setup = child(values, 'gen_setup');
    const status = statusCode(textOf(setup, 'status'), 'status');
    if (status !== undefined && ![0, 16, 32].includes(status)) throw new XmlApiError(XML_ERRCODES.operationFailed, `status ${status} cannot be set: 0, 16 or 32`);
    const unsupported = setup?.children.find((c) => c.name !== 'status' && c.name !== 'description');
    if (unsupported) {
      throw new XmlApiError(
        XML_ERRCODES.operationFailed,
        `gen_setup ${unsupported.name} cannot be changed here (only status and description: the domain and owner are fixed)`,
      );
    }
    const password = properties(values).get('ftp_password');
    const description = textOf(setup, 'description');
    const patch = {
      ...(password !== undefined ? { password } : {}),
      ...(description !== undefined ? { description: description || null } : {}),
      ...limitOverrides(values),
    };
    return this.each(op, async (a) => {
      if (Object.keys(patch).length) await this.accounts.update(a.id, patch);
      // Repeating a status already there is a success: billing systems retry.
      if (status) await this.accounts.ensureSuspended(a.id, { type: typeFor(status), reason: reasonFor(status), actor: actorOf('plesk-xml', ctx.principal) });
      if (status === 0 && a.status !== 'active') {
        const { account } = await this.accounts.ensureLifted(a.id, { types: PLESK_TYPES });
        // An ok would tell the billing system the site is back: it is not, so it is told why.
        if (account.status !== 'active') throw new XmlApiError(XML_ERRCODES.operationFailed, remainsSuspended(account.suspensions ?? []));
      }
      return [];
    });
  }

  /**
   * FOSSBilling's package change sends `set` with gen_setup/hosting/limits and neither filter nor
   * values (real Plesk refuses that packet with a schema error). It is taken as meant: the webspace
   * named in gen_setup/name gets the FTP password and the disk and traffic limits sent.
   */
  private async setNamed(op: XmlElement, name: string): Promise<XmlNode[]> {
    const password = properties(op).get('ftp_password');
    const limits = limitOverrides(op);
    const rows = await this.find({ key: 'name', value: name });
    if (!rows.length) return [errorResult(new XmlApiError(XML_ERRCODES.notFound, 'webspace does not exist'), leaf('filter-id', name))];
    const a = rows[0];
    await this.accounts.update(a.id, { ...(password ? { password } : {}), ...limits });
    return [el('result', leaf('status', 'ok'), leaf('filter-id', name), leaf('id', a.id))];
  }

  private async del(op: XmlElement): Promise<XmlNode[]> {
    return this.each(op, async (a) => {
      await this.accounts.remove(a.id);
      return [];
    });
  }

  private async switchSubscription(op: XmlElement): Promise<XmlNode[]> {
    if (textOf(op, 'plan-guid') === undefined && textOf(op, 'plan-name') === undefined && textOf(op, 'plan-id') === undefined && textOf(op, 'no-plan') === undefined) {
      throw new XmlApiError(XML_ERRCODES.parse, 'XML parsing error: switch-subscription needs plan-guid');
    }
    if (textOf(op, 'no-plan') !== undefined) throw new XmlApiError(XML_ERRCODES.operationFailed, 'Every Hostwright account has a package: no-plan is not supported');
    const plan = await this.plan(op);
    return this.each(op, async (a) => {
      if (a.packageId !== plan.id) await this.accounts.update(a.id, { package_id: plan.id });
      return [];
    });
  }
}
