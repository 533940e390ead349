import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseConfig } from '../../src/platform/config/app-config';
import { freePort } from './spawn-server';
import { waitFor } from './wait-for';

export interface PowerDns {
  port: number;
  /** `dig +short` of one name and type against this server: the answer lines, trimmed. */
  short(name: string, type?: string): string;
  /** The zone's SOA serial as PowerDNS answers it (0 when it does not answer). */
  serial(zone: string): number;
  stop(): void;
}

/** A PowerDNS (gmysql) on a loopback high port over the test app's MariaDB database, caches off, as the stack suite runs it. */
export async function startPowerDns(db: DatabaseConfig, dir: string): Promise<PowerDns> {
  if (db.type !== 'mariadb') throw new Error('PowerDNS reads the panel database through gmysql: run with DATABASE_URL (MariaDB)');
  const port = await freePort();
  const confDir = join(dir, 'pdns');
  mkdirSync(confDir, { recursive: true });
  writeFileSync(
    join(confDir, 'pdns.conf'),
    [
      'launch=gmysql',
      `gmysql-host=${db.host}`,
      `gmysql-port=${db.port}`,
      `gmysql-user=${db.username}`,
      `gmysql-password=${db.password}`,
      `gmysql-dbname=${db.database}`,
      'gmysql-dnssec=no',
      'local-address=127.0.0.1',
      `local-port=${port}`,
      `socket-dir=${confDir}`,
      'daemon=no',
      'guardian=no',
      'disable-syslog=yes',
      'webserver=no',
      'api=no',
      'cache-ttl=0',
      'negquery-cache-ttl=0',
      'query-cache-ttl=0',
      'zone-cache-refresh-interval=0',
      'loglevel=3',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('pdns_server', [`--config-dir=${confDir}`], { stdio: 'ignore' });
  const dig = (...args: string[]) => spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args], { encoding: 'utf8' });
  await waitFor(() => dig('version.bind', 'TXT', 'CH').status === 0, 'PowerDNS to answer');
  const short = (name: string, type = 'A') => dig('+short', name, type).stdout.trim();
  return {
    port,
    short,
    serial: (zone) => Number(short(zone, 'SOA').split(' ')[2] ?? 0) || 0,
    stop: () => void child.kill('SIGTERM'),
  };
}
