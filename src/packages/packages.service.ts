import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { DatabaseService, isForeignKeyViolation } from '../platform/database/database.service';
import { takenField } from '../platform/database/unique-fields';
import { CreatePackageDto, UpdatePackageDto } from './dto/package.dto';
import { HostingPackage } from './package.entity';

@Injectable()
export class PackagesService {
  constructor(
    @InjectRepository(HostingPackage) private readonly packages: Repository<HostingPackage>,
    private readonly db: DatabaseService,
  ) {}

  list(): Promise<HostingPackage[]> {
    return this.packages.find({ order: { id: 'ASC' } });
  }

  async get(id: number): Promise<HostingPackage> {
    const found = await this.packages.findOneBy({ id });
    if (!found) throw DomainError.notFound('Package');
    return found;
  }

  findById(id: number): Promise<HostingPackage | null> {
    return this.packages.findOneBy({ id });
  }

  /** Exactly that name: MariaDB's collation would also match other case and trailing spaces, SQLite's would not. */
  async findByName(name: string): Promise<HostingPackage | null> {
    const found = await this.packages.findOneBy({ name });
    return found?.name === name ? found : null;
  }

  findByGuid(guid: string): Promise<HostingPackage | null> {
    return this.packages.findOneBy({ guid });
  }

  async create(input: CreatePackageDto): Promise<HostingPackage> {
    const entity = this.packages.create({ ...this.toColumns(input), guid: randomUUID(), createdAt: new Date() });
    await this.write(() => this.db.transaction((em) => em.save(entity)));
    return entity;
  }

  async update(id: number, input: UpdatePackageDto): Promise<HostingPackage> {
    const entity = await this.get(id);
    Object.assign(entity, this.toColumns(input));
    await this.write(() => this.db.transaction((em) => em.save(entity)));
    return entity;
  }

  /** Refused with 409 while any account uses the package (a foreign key decides, not a count). */
  async remove(id: number): Promise<void> {
    await this.get(id);
    try {
      await this.db.write((em) => em.delete(HostingPackage, { id }));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw DomainError.conflict('The package is in use by at least one account');
      throw error;
    }
  }

  private async write(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (takenField(error) === 'name') throw DomainError.taken('name', 'A package with this name already exists');
      throw error;
    }
  }

  private toColumns(input: UpdatePackageDto): Partial<HostingPackage> {
    const columns: Partial<HostingPackage> = {
      name: input.name,
      diskQuotaMb: input.disk_quota_mb,
      bandwidthMb: input.bandwidth_mb,
      maxDomains: input.max_domains,
      maxDatabases: input.max_databases,
      maxEmailAccounts: input.max_email_accounts,
      dnsRecordsLimit: input.dns_records_limit,
      phpVersion: input.php_version,
    };
    return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  }
}
