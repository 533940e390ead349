import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page, paginate } from '../common/pagination';
import { DatabaseService } from '../platform/database/database.service';
import { AuditEntry } from './audit-entry.entity';
import { AuditQuery } from './dto/audit-query.dto';
import { AuditEntryView } from './dto/audit-entry.view';

export interface AuditRecord {
  tokenId: number | null;
  tokenName: string | null;
  method: string;
  route: string;
  target: string | null;
  status: number;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>,
    private readonly db: DatabaseService,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    const entry = Object.assign(new AuditEntry(), {
      ...record,
      route: record.route.slice(0, 255),
      tokenName: record.tokenName?.slice(0, 100) ?? null,
      target: record.target?.slice(0, 64) ?? null,
      createdAt: new Date(),
    });
    await this.db.write((em) => em.insert(AuditEntry, entry));
  }

  list(query: AuditQuery): Promise<Page<AuditEntryView>> {
    const qb = this.entries.createQueryBuilder('e');
    if (query.token_name) qb.andWhere('e.token_name = :tokenName', { tokenName: query.token_name });
    if (query.target) qb.andWhere('e.target = :target', { target: query.target });
    if (query.method) qb.andWhere('e.method = :method', { method: query.method });
    return paginate(qb, query, AuditEntryView.of);
  }
}
