import { Inject, Injectable } from '@nestjs/common';
import { ClientsService } from '../../../clients/clients.service';
import { HostingPackage } from '../../../packages/package.entity';
import { PackagesService } from '../../../packages/packages.service';
import { APP_CONFIG, AppConfig } from '../../../platform/config/app-config';
import { ServerStatsService } from '../../../servers/server-stats.service';
import { XmlApiError } from '../xml-api-error';
import { el, leaf, XmlElement, XmlNode } from '../xml-codec';
import { XML_ERRCODES } from '../xml-errors';
import { filterItems, idOf, perObject } from './filters';
import { limitBytes, limitCount, XmlOperation, XmlOperator } from './operation';
import { serverDataset, serverStat } from './server-info';

/** The protocol versions `server get_protos` offers, oldest first (clients pick the highest they have templates for). */
export const SUPPORTED_PROTOS = [
  '1.6.3.0',
  '1.6.3.1',
  '1.6.3.2',
  '1.6.3.3',
  '1.6.3.4',
  '1.6.3.5',
  '1.6.4.0',
  '1.6.5.0',
  '1.6.6.0',
  '1.6.7.0',
  '1.6.8.0',
  '1.6.9.0',
  '1.6.9.1',
] as const;

const ok = (...children: XmlNode[]) => el('result', leaf('status', 'ok'), ...children);

/** `server`: protocol negotiation and what a billing "test connection" reads. */
@Injectable()
export class ServerOperator implements XmlOperator {
  constructor(
    private readonly stats: ServerStatsService,
    private readonly clients: ClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  operations(): XmlOperation[] {
    return [
      { operator: 'server', operation: 'get_protos', scopes: [], handle: async () => [ok(el('protos', ...SUPPORTED_PROTOS.map((p) => leaf('proto', p))))] },
      { operator: 'server', operation: 'get', scopes: ['accounts:read'], handle: (op) => this.get(op) },
      {
        operator: 'server',
        operation: 'create_session',
        scopes: ['accounts:read'],
        handle: async () => {
          throw new XmlApiError(
            XML_ERRCODES.operationFailed,
            'Operation failed: Hostwright has no control panel to open a session in (one-click login is not supported)',
          );
        },
      },
    ];
  }

  /** Each dataset asked for, in the order asked; one Plesk does not have is a parse error (its schema refuses it). */
  private async get(op: XmlElement): Promise<XmlNode[]> {
    const facts = { stats: await this.stats.stats(), clients: await this.clients.count(), config: this.config };
    const parts: XmlNode[] = [];
    for (const dataset of op.children) {
      const node = dataset.name === 'stat' ? await serverStat(facts) : serverDataset(dataset.name, facts);
      if (!node) throw new XmlApiError(XML_ERRCODES.parse, `XML parsing error: server get has no dataset ${dataset.name}`);
      parts.push(node);
    }
    return [ok(...parts)];
  }
}

/** `ip get`: the one address Hostwright's server hosts on (provisioning.serverIp), shared. */
@Injectable()
export class IpOperator implements XmlOperator {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  operations(): XmlOperation[] {
    return [
      {
        operator: 'ip',
        operation: 'get',
        scopes: ['accounts:read'],
        handle: async () => [
          ok(
            el(
              'addresses',
              el(
                'ip_info',
                leaf('ip_address', this.config.provisioning.serverIp),
                leaf('netmask', '255.255.255.255'),
                leaf('type', 'shared'),
                leaf('interface', ''),
                leaf('is_default', ''),
                leaf('public_ip_address', this.config.provisioning.serverIp),
              ),
            ),
          ),
        ],
      },
    ];
  }
}

/** `service-plan get`: a service plan is a Hostwright package, by id, name or guid. */
@Injectable()
export class ServicePlanOperator implements XmlOperator {
  constructor(private readonly packages: PackagesService) {}

  operations(): XmlOperation[] {
    return [{ operator: 'service-plan', operation: 'get', scopes: ['packages:read'], handle: (op) => this.get(op) }];
  }

  private async get(op: XmlElement): Promise<XmlNode[]> {
    const find = async (item: { key: string; value: string }): Promise<HostingPackage[]> => {
      const v = item.value.trim();
      const found =
        item.key === 'id'
          ? idOf(v) === null
            ? null
            : await this.packages.findById(idOf(v)!)
          : item.key === 'name'
            ? await this.packages.findByName(v)
            : item.key === 'guid'
              ? await this.packages.findByGuid(v.toLowerCase())
              : null;
      if (item.key === 'owner-id' || item.key === 'owner-login') return v === '1' || v.toLowerCase() === 'admin' ? this.packages.list() : [];
      return found ? [found] : [];
    };
    return perObject(
      filterItems(op, ['id', 'name', 'guid', 'owner-id', 'owner-login']),
      () => this.packages.list(),
      find,
      'service plan',
      async (p) => [
        leaf('guid', p.guid),
        leaf('name', p.name),
        el(
          'limits',
          leaf('overuse', 'normal'),
          ...[
            ['disk_space', limitBytes(p.diskQuotaMb)],
            ['max_traffic', limitBytes(p.bandwidthMb)],
            ['max_site', limitCount(p.maxDomains)],
            ['max_db', limitCount(p.maxDatabases)],
            ['max_box', limitCount(p.maxEmailAccounts)],
          ].map(([name, value]) => el('limit', leaf('name', name), leaf('value', value))),
        ),
        el('hosting', el('property', leaf('name', 'php'), leaf('value', 'true')), el('property', leaf('name', 'php_handler_id'), leaf('value', `fpm-${p.phpVersion}`))),
      ],
    );
  }
}
