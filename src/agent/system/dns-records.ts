import { EntityManager } from 'typeorm';
import { DatabaseService } from '../../platform/database/database.service';
import { checkDnsRecord, DnsRecordSpec, recordDataOf, relativeName } from '../../agent-protocol/grammar';
import { DnsAnswer, DnsChange, DnsRecordView, DnsRefusedError, DnsZoneRef } from '../../agent-protocol/dns-change';

interface RecordRow {
  id: number;
  name: string;
  type: string;
  content: string;
  ttl: number;
  prio: number | null;
  generated: boolean;
}

/**
 * The next SOA serial by the date convention PowerDNS documents (YYYYMMDDnn): today's first
 * (…01) when the current one is older, else one more, so it always rises (past nn = 99 it runs
 * into the next day's numbers, still rising).
 */
export function nextSerial(current: number, now = new Date()): number {
  const today = Number(now.toISOString().slice(0, 10).replace(/-/g, '')) * 100;
  return current < today ? today + 1 : current + 1;
}

/**
 * An account's records in PowerDNS's gmysql rows: every change checked by the record grammar and
 * the zone's rules, written with the SOA serial bumped in the same transaction (the zone's row is
 * locked first, so concurrent changes of one zone run one after the other). PowerDNS serves the
 * rows as they are committed.
 */
export class DnsRecordStore {
  constructor(private readonly db: DatabaseService) {}

  async run(change: DnsChange): Promise<DnsAnswer> {
    if (change.op === 'list') {
      return this.db.transaction(async (em) => {
        const zone = await this.zone(em, change.zone, false);
        const rows = await this.rows(em, zone.id);
        return { records: rows.map((r) => view(r, change.zone.domain)), serial: serialOf(rows) };
      });
    }
    return this.db.transaction(async (em) => {
      const domain = change.zone.domain;
      const zone = await this.zone(em, change.zone, true);
      const rows = await this.rows(em, zone.id);
      let id: number | null = null;
      if (change.op === 'create') {
        const spec = this.check(change.record, domain);
        const counted = rows.filter((r) => !isProtected(r, domain)).length;
        if (change.limit > 0 && counted >= change.limit) {
          throw new DnsRefusedError('conflict', `The package allows ${change.limit} DNS records per account and this zone has ${counted}`);
        }
        await this.checkZoneRules(em, spec, rows, domain, null);
        await em.query('INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth, hw_generated) VALUES (?, ?, ?, ?, ?, ?, 0, 1, 0)', [
          zone.id,
          spec.fqdn,
          spec.type,
          spec.content,
          spec.ttl,
          spec.prio,
        ]);
        const [row] = await em.query('SELECT MAX(id) AS id FROM records WHERE domain_id = ? AND name = ? AND type = ?', [zone.id, spec.fqdn, spec.type]);
        id = Number(row.id);
      } else {
        const existing = rows.find((r) => r.id === change.id);
        if (!existing) throw new DnsRefusedError('not_found', 'DNS record not found');
        if (isProtected(existing, domain)) {
          throw new DnsRefusedError('conflict', `The zone's ${existing.type === 'SOA' ? 'SOA' : 'apex NS'} record is the server's; it cannot be changed or deleted`);
        }
        id = existing.id;
        if (change.op === 'delete') await em.query('DELETE FROM records WHERE id = ?', [existing.id]);
        else {
          const spec = this.check(merged(existing, change.patch, domain), domain);
          await this.checkZoneRules(em, spec, rows, domain, existing.id);
          await em.query('UPDATE records SET name = ?, content = ?, ttl = ?, prio = ? WHERE id = ?', [spec.fqdn, spec.content, spec.ttl, spec.prio, existing.id]);
        }
      }
      const serial = await this.bumpSerial(em, rows, domain);
      if (change.op === 'delete') return { serial };
      const [row] = (await this.rows(em, zone.id)).filter((r) => r.id === id);
      return { record: view(row, domain), serial };
    });
  }

  private check(input: Record<string, unknown>, domain: string): DnsRecordSpec {
    const checked = checkDnsRecord(input, domain);
    if (checked.problems) throw new DnsRefusedError('invalid', 'The record has invalid fields', checked.problems);
    return checked.record;
  }

  /** The rules that need the zone: the apex, names of other tenants' zones, CNAME beside other data, duplicates. */
  private async checkZoneRules(em: EntityManager, spec: DnsRecordSpec, rows: RecordRow[], domain: string, self: number | null): Promise<void> {
    const invalid = (field: string, message: string) => new DnsRefusedError('invalid', message, [{ field, message }]);
    if (spec.fqdn === domain && spec.type === 'CNAME') throw invalid('type', 'A CNAME cannot be at the apex of the zone (it holds the SOA and NS records)');
    if (spec.fqdn === domain && spec.type === 'NS') throw invalid('type', "The apex NS records are the server's; NS records are allowed only below the apex");
    const inner: string[] = [];
    for (let name = spec.fqdn; name !== domain; name = name.slice(name.indexOf('.') + 1)) inner.push(name);
    if (inner.length) {
      const [taken] = await em.query(`SELECT name FROM domains WHERE name IN (${inner.map(() => '?').join(', ')})`, inner);
      if (taken) throw invalid('name', `The name ${spec.fqdn} is inside the zone ${taken.name}, which is not this account's`);
    }
    const beside = rows.filter((r) => r.name === spec.fqdn && r.id !== self);
    if (spec.type === 'CNAME' && beside.length) {
      throw new DnsRefusedError('conflict', `A CNAME cannot sit beside other records: ${spec.fqdn} has ${[...new Set(beside.map((r) => r.type))].join(', ')}`);
    }
    if (spec.type !== 'CNAME' && beside.some((r) => r.type === 'CNAME')) {
      throw new DnsRefusedError('conflict', `${spec.fqdn} has a CNAME record; no other record may sit beside it`);
    }
    if (beside.some((r) => r.type === spec.type && r.content === spec.content && (r.prio ?? null) === spec.prio)) {
      throw new DnsRefusedError('conflict', `The zone already has this ${spec.type} record at ${spec.fqdn}`);
    }
  }

  private async bumpSerial(em: EntityManager, rows: RecordRow[], domain: string): Promise<number> {
    const soa = rows.find((r) => r.type === 'SOA' && r.name === domain);
    if (!soa) throw new Error(`the zone ${domain} has no SOA record`);
    const parts = soa.content.split(' ');
    const serial = nextSerial(Number(parts[2]) || 0);
    parts[2] = String(serial);
    await em.query('UPDATE records SET content = ? WHERE id = ?', [parts.join(' '), soa.id]);
    return serial;
  }

  /** The account's zone, locked for the change on MariaDB (SQLite transactions already take the write lock). */
  private async zone(em: EntityManager, ref: DnsZoneRef, lock: boolean): Promise<{ id: number }> {
    const forUpdate = lock && !this.db.isSqlite ? ' FOR UPDATE' : '';
    const [zone] = await em.query(`SELECT id, account FROM domains WHERE name = ?${forUpdate}`, [ref.domain]);
    if (!zone || zone.account !== ref.username) throw new DnsRefusedError('not_found', 'The DNS zone of this account was not found');
    return { id: Number(zone.id) };
  }

  private async rows(em: EntityManager, zoneId: number): Promise<RecordRow[]> {
    const rows: Record<string, unknown>[] = await em.query('SELECT id, name, type, content, ttl, prio, hw_generated FROM records WHERE domain_id = ? ORDER BY id', [
      zoneId,
    ]);
    return rows.map((r) => ({
      id: Number(r.id),
      name: String(r.name),
      type: String(r.type),
      content: String(r.content),
      ttl: Number(r.ttl),
      prio: r.prio === null || r.prio === undefined ? null : Number(r.prio),
      generated: Number(r.hw_generated) === 1,
    }));
  }
}

function isProtected(row: RecordRow, domain: string): boolean {
  return row.type === 'SOA' || (row.type === 'NS' && row.name === domain);
}

function serialOf(rows: RecordRow[]): number {
  const soa = rows.find((r) => r.type === 'SOA');
  return soa ? Number(soa.content.split(' ')[2]) || 0 : 0;
}

/** A PATCH over a stored record: name, ttl and data fields replace the stored ones; the type cannot change. */
function merged(existing: RecordRow, patch: Record<string, unknown>, domain: string): Record<string, unknown> {
  const unknown = Object.keys(patch).filter((k) => !['name', 'type', 'ttl', 'data'].includes(k));
  if (unknown.length) {
    throw new DnsRefusedError(
      'invalid',
      'The change has unknown fields',
      unknown.map((field) => ({ field, message: `${field} is not a record field` })),
    );
  }
  if (patch.type !== undefined && patch.type !== existing.type) {
    throw new DnsRefusedError('invalid', 'The type of a record cannot change', [{ field: 'type', message: 'type cannot change; delete the record and create another' }]);
  }
  const stored = recordDataOf(existing.type, existing.content, existing.prio) ?? {};
  const data =
    patch.data === undefined ? stored : patch.data !== null && typeof patch.data === 'object' && !Array.isArray(patch.data) ? { ...stored, ...patch.data } : patch.data;
  return { name: patch.name ?? relativeName(existing.name, domain), type: existing.type, ttl: patch.ttl ?? existing.ttl, data };
}

function view(row: RecordRow, domain: string): DnsRecordView {
  return {
    id: row.id,
    name: relativeName(row.name, domain),
    fqdn: row.name,
    type: row.type,
    ttl: row.ttl,
    data: recordDataOf(row.type, row.content, row.prio),
    generated: row.generated,
    protected: isProtected(row, domain),
  };
}
