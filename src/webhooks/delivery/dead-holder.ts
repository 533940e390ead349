import { hostname } from 'node:os';
import { DatabaseService } from '../../platform/database/database.service';
import { processAlive } from '../../platform/process/process-alive';

/**
 * Frees a lease whose holder was a process of this host that no longer runs (killed, or this
 * pid's earlier life: in a container the panel is pid 1 on every start), instead of waiting out
 * its expiry: a panel restarted after a kill delivers at once. Holders on other hosts, or alive,
 * keep it until it expires, as LeaseService decides.
 */
export async function freeLeaseOfDeadLocalHolder(db: DatabaseService, name: string, ownHolder: string): Promise<void> {
  const rows: { holder: string }[] = await db.manager.query('SELECT holder FROM scheduler_leases WHERE name = ?', [name]);
  const holder = rows[0]?.holder;
  if (!holder || holder === ownHolder) return;
  const parsed = /^(.*):(\d+):[0-9a-f]{8}$/.exec(holder);
  if (!parsed || parsed[1] !== hostname().slice(0, 80)) return;
  const pid = Number(parsed[2]);
  if (pid !== process.pid && processAlive(pid)) return;
  await db.write((em) => em.query('DELETE FROM scheduler_leases WHERE name = ? AND holder = ?', [name, holder]));
}
