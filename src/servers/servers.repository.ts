import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageQuery, paginate } from '../common/pagination';
import { DatabaseService } from '../platform/database/database.service';
import { findOneByColumn } from '../platform/database/find-one-by-column';
import { Server } from './server.entity';

/** A server as placement sees it: its state, its probe's verdict, how full it is. */
export interface ServerLoad {
  id: number;
  state: string;
  healthStatus: string;
  capacity: number | null;
  accounts: number;
}

/** The one owner of the `servers` table; the placement reads run in the account create's transaction. */
@Injectable()
export class ServersRepository {
  constructor(
    @InjectRepository(Server) private readonly servers: Repository<Server>,
    private readonly db: DatabaseService,
  ) {}

  findById(id: number): Promise<Server | null> {
    return findOneByColumn(this.db.dataSource, Server, 'id', id);
  }

  findByIds(ids: number[]): Promise<Server[]> {
    return ids.length ? this.servers.createQueryBuilder('s').where('s.id IN (:...ids)', { ids }).getMany() : Promise.resolve([]);
  }

  all(): Promise<Server[]> {
    return this.servers.find({ order: { id: 'ASC' } });
  }

  page<V>(query: PageQuery, view: (server: Server) => V): Promise<Page<V>> {
    return paginate(this.servers.createQueryBuilder('s'), query, view);
  }

  async insert(server: Partial<Server>): Promise<Server> {
    return this.db.transaction((em) => em.save(Server, em.create(Server, server)));
  }

  async update(id: number, changes: Partial<Server>): Promise<void> {
    await this.db.write((em) => em.update(Server, { id }, changes));
  }

  /** Accounts per server (ids absent: none). */
  async accountCounts(ids?: number[]): Promise<Map<number, number>> {
    const where = ids ? (ids.length ? `WHERE server_id IN (${ids.map(() => '?').join(', ')})` : 'WHERE 1 = 0') : '';
    const rows: { server_id: number; n: number | string }[] = await this.db.dataSource.query(
      `SELECT server_id, COUNT(*) AS n FROM accounts ${where} GROUP BY server_id`,
      ids ?? [],
    );
    return new Map(rows.map((r) => [Number(r.server_id), Number(r.n)]));
  }

  /** Every server with its account count, in the caller's transaction (placement). */
  async loads(em: EntityManager): Promise<ServerLoad[]> {
    const rows: { id: number; state: string; health_status: string; capacity: number | null; n: number | string }[] = await em.query(
      'SELECT s.id, s.state, s.health_status, s.capacity, (SELECT COUNT(*) FROM accounts a WHERE a.server_id = s.id) AS n FROM servers s ORDER BY s.id',
    );
    return rows.map((r) => ({
      id: Number(r.id),
      state: r.state,
      healthStatus: r.health_status,
      capacity: r.capacity === null ? null : Number(r.capacity),
      accounts: Number(r.n),
    }));
  }

  /** Locks the server row (MariaDB) so a delete and a placement on it take turns; false when it is gone. */
  async lock(em: EntityManager, id: number): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT id FROM servers WHERE id = ?${this.db.isSqlite ? '' : ' FOR UPDATE'}`, [id]);
    return rows.length === 1;
  }

  /** Deletes the server unless an account is on it; under its row lock. */
  async deleteIfEmpty(id: number): Promise<'deleted' | 'missing' | 'has_accounts'> {
    return this.db.transaction(async (em) => {
      if (!(await this.lock(em, id))) return 'missing';
      const [{ n }]: { n: number | string }[] = await em.query('SELECT COUNT(*) AS n FROM accounts WHERE server_id = ?', [id]);
      if (Number(n) > 0) return 'has_accounts';
      await em.query('DELETE FROM servers WHERE id = ?', [id]);
      return 'deleted';
    });
  }

  count(): Promise<number> {
    return this.servers.count();
  }
}
