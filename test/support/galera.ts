import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { processAlive } from '../../src/platform/process/process-alive';
import { REPO_ROOT } from './test-app';
import { waitFor } from './wait-for';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts/galera-cluster.sh');
export type GaleraNode = 1 | 2 | 3;
export const GALERA_NODES: GaleraNode[] = [1, 2, 3];

/**
 * README's three-node MariaDB Galera cluster (scripts/galera-cluster.sh: Debian's mariadb-server and
 * galera-4) on loopback ports from `basePort` (SQL on base+1..3), in a temp dir. Node 1 bootstraps,
 * 2 and 3 join by rsync SST; a killed node rejoins by IST.
 */
export class GaleraCluster {
  private constructor(
    readonly dir: string,
    readonly basePort: number,
  ) {}

  static async start(basePort: number): Promise<GaleraCluster> {
    await run(SCRIPT, ['install'], { timeout: 600_000 });
    const dir = mkdtempSync(join(tmpdir(), 'hw-galera-'));
    const cluster = new GaleraCluster(dir, basePort);
    try {
      await run(SCRIPT, ['start', dir, String(basePort)], { timeout: 120_000 });
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  port(node: GaleraNode): number {
    return this.basePort + node;
  }

  /** root over TCP (empty password, loopback only), as the system MariaDB the tests use. */
  url(node: GaleraNode, database = ''): string {
    return `mariadb://root@127.0.0.1:${this.port(node)}/${database}`;
  }

  async query<T = unknown>(node: GaleraNode, sql: string, params: unknown[] = []): Promise<T> {
    const conn = await createConnection({ host: '127.0.0.1', port: this.port(node), user: 'root', password: '' });
    try {
      // Causal reads: the answer includes every write the cluster committed before this query.
      await conn.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await conn.query(sql, params);
      return rows as T;
    } finally {
      await conn.end();
    }
  }

  /** A fresh database (replicated to every node). */
  async createDatabase(prefix = 'hwg'): Promise<string> {
    const name = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
    await this.query(1, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return name;
  }

  pid(node: GaleraNode): number | undefined {
    const file = join(this.dir, `node${node}`, 'mariadbd.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined;
  }

  /** SIGKILL, as a crash; resolves once the process is gone. */
  async kill(node: GaleraNode): Promise<void> {
    const pid = this.pid(node);
    if (!pid) return;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processAlive(pid), `galera node ${node} to die`);
  }

  /** Starts a killed node again and waits until it has caught up (IST) and is Synced. */
  async restart(node: GaleraNode): Promise<void> {
    await run(SCRIPT, ['start-node', this.dir, String(node), String(this.basePort)], { timeout: 120_000 });
  }

  async clusterSize(node: GaleraNode): Promise<number> {
    const rows = await this.query<{ Value: string }[]>(node, "SHOW STATUS LIKE 'wsrep_cluster_size'");
    return Number(rows[0]?.Value ?? 0);
  }

  async stop(): Promise<void> {
    await run(SCRIPT, ['stop', this.dir], { timeout: 120_000 }).catch(() => undefined);
    for (const node of GALERA_NODES) {
      const pid = this.pid(node);
      if (pid && processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
