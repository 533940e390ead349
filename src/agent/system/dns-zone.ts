import { DatabaseService } from '../../platform/database/database.service';
import { isDomainName } from '../../agent-protocol/safe-values';
import { PlanHost } from '../../agent-protocol/plan-host';

export interface ZoneRecord {
  name: string;
  type: 'SOA' | 'NS' | 'A' | 'AAAA' | 'MX' | 'TXT';
  content: string;
  ttl: number;
  prio: number | null;
}

export interface ZoneSettings {
  serverIp: string;
  /** The server's IPv6 address: AAAA records beside the A ones when set. */
  serverIpv6?: string;
  nameservers: string[];
}

/** The agent's own settings, overridden by the plan's host (the account's server, as the panel's servers row says). */
export function settingsFor(own: ZoneSettings, host: PlanHost | undefined): ZoneSettings {
  if (!host) return own;
  return { serverIp: host.ipv4 ?? own.serverIp, serverIpv6: host.ipv6 ?? own.serverIpv6, nameservers: host.nameservers ?? own.nameservers };
}

const TTL = 3600;

/** A new zone's default records (PowerDNS generic-SQL form: names without the trailing dot). */
export function zoneRecords(domain: string, settings: ZoneSettings, now = new Date()): ZoneRecord[] {
  const nameservers = settings.nameservers.map((ns) => ns.replace(/\.$/, '').toLowerCase());
  if (nameservers.length === 0 || !nameservers.every(isDomainName)) throw new Error('HW_NAMESERVERS must list host names');
  // The SOA's mailbox is the longest name of the zone: past 253 characters PowerDNS answers SERVFAIL for all of it.
  if (!isDomainName(`hostmaster.${domain}`)) throw new Error(`${domain} is too long for a zone (hostmaster.${domain} exceeds 253 characters)`);
  const serial = `${now.toISOString().slice(0, 10).replace(/-/g, '')}01`;
  const record = (name: string, type: ZoneRecord['type'], content: string, prio: number | null = null): ZoneRecord => ({ name, type, content, ttl: TTL, prio });
  return [
    record(domain, 'SOA', `${nameservers[0]} hostmaster.${domain} ${serial} 10800 3600 604800 3600`),
    ...nameservers.map((ns) => record(domain, 'NS', ns)),
    record(domain, 'A', settings.serverIp),
    record(`www.${domain}`, 'A', settings.serverIp),
    record(`mail.${domain}`, 'A', settings.serverIp),
    ...(settings.serverIpv6 ? [domain, `www.${domain}`, `mail.${domain}`].map((name) => record(name, 'AAAA', settings.serverIpv6!)) : []),
    record(domain, 'MX', `mail.${domain}`, 10),
    record(domain, 'TXT', '"v=spf1 a mx ~all"'),
  ];
}

/** PowerDNS's `domains`/`records` rows in the panel's own database; PowerDNS serves them without a reload. */
export class DnsZoneStore {
  constructor(private readonly db: DatabaseService) {}

  async create(domain: string, account: string, records: ZoneRecord[]): Promise<void> {
    await this.db.transaction(async (em) => {
      const existing: { id: number; account: string | null }[] = await em.query('SELECT id, account FROM domains WHERE name = ?', [domain]);
      if (existing.length && existing[0].account !== account) throw new Error(`a DNS zone for ${domain} exists and is not this account's`);
      if (existing.length) await this.deleteById(em, existing[0].id);
      await em.query("INSERT INTO domains (name, type, account) VALUES (?, 'NATIVE', ?)", [domain, account]);
      const [{ id }] = await em.query('SELECT id FROM domains WHERE name = ?', [domain]);
      if (records.length === 0) return;
      const rows = records.map(() => '(?, ?, ?, ?, ?, ?, 0, 1, 1)').join(', ');
      await em.query(
        `INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth, hw_generated) VALUES ${rows}`,
        records.flatMap((r) => [id, r.name, r.type, r.content, r.ttl, r.prio]),
      );
    });
  }

  /** Removes the zone and everything PowerDNS keeps for it; absent is fine. */
  async remove(domain: string): Promise<void> {
    await this.db.transaction(async (em) => {
      const rows: { id: number }[] = await em.query('SELECT id FROM domains WHERE name = ?', [domain]);
      for (const row of rows) await this.deleteById(em, row.id);
    });
  }

  private async deleteById(em: { query(sql: string, params?: unknown[]): Promise<unknown> }, id: number): Promise<void> {
    for (const table of ['records', 'comments', 'domainmetadata', 'cryptokeys']) {
      await em.query(`DELETE FROM ${table} WHERE domain_id = ?`, [id]);
    }
    await em.query('DELETE FROM domains WHERE id = ?', [id]);
  }
}
