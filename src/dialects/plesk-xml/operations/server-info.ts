import { readFile } from 'node:fs/promises';
import { cpus, freemem, networkInterfaces, release, totalmem, type } from 'node:os';
import { version } from '../../../../package.json';
import { AppConfig } from '../../../platform/config/app-config';
import { ServerStatsView } from '../../../servers/server-stats.view';
import { el, leaf, XmlNode } from '../xml-codec';

/** What `server get` reads besides the stats: the client count and the config. */
export interface ServerFacts {
  stats: ServerStatsView;
  clients: number;
  config: AppConfig;
}

/** Swap from /proc/meminfo (bytes); zeros where the kernel does not tell (not Linux). */
async function swap(): Promise<{ total: number; free: number }> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { total: kb('SwapTotal'), free: kb('SwapFree') };
}

const prop = (name: string, value: string | number) => el('property', leaf('name', name), leaf('value', value));

/**
 * The `stat` dataset in Plesk's order (objects, version, other, load_avg, mem, swap, diskspace):
 * api-php-lib builds one struct from each of these children, so every one must be there. Memory
 * and swap are in bytes, load averages ×100, as Plesk writes them.
 */
export async function serverStat({ stats: s, clients, config }: ServerFacts): Promise<XmlNode> {
  const sw = await swap();
  const total = totalmem();
  const free = freemem();
  return el(
    'stat',
    el(
      'objects',
      leaf('clients', clients),
      leaf('domains', s.accounts_total),
      leaf('databases', 0),
      leaf('active_domains', s.accounts.active ?? 0),
      leaf('mail_boxes', 0),
      leaf('mail_redirects', 0),
      leaf('mail_groups', 0),
      leaf('mail_responders', 0),
      leaf('database_users', 0),
      leaf('problem_clients', 0),
      leaf('problem_domains', 0),
    ),
    el(
      'version',
      leaf('plesk_name', 'hostwright'),
      leaf('plesk_version', version),
      leaf('plesk_build', version),
      leaf('plesk_os', type()),
      leaf('plesk_os_version', release()),
      leaf('os_release', release()),
    ),
    el('other', leaf('cpu', cpus()[0]?.model ?? 'unknown'), leaf('uptime', s.uptime_seconds), leaf('inside_vz', 'false')),
    el(
      'load_avg',
      leaf('l1', Math.round((s.load_average[0] ?? 0) * 100)),
      leaf('l5', Math.round((s.load_average[1] ?? 0) * 100)),
      leaf('l15', Math.round((s.load_average[2] ?? 0) * 100)),
    ),
    el('mem', leaf('total', total), leaf('used', total - free), leaf('free', free), leaf('shared', 0), leaf('buffer', 0), leaf('cached', 0)),
    el('swap', leaf('total', sw.total), leaf('used', sw.total - sw.free), leaf('free', sw.free)),
    el(
      'diskspace',
      el(
        'device',
        leaf('name', config.provisioning.rootDir),
        leaf('total', s.disk_total_bytes),
        leaf('used', s.disk_total_bytes - s.disk_free_bytes),
        leaf('free', s.disk_free_bytes),
      ),
    ),
  );
}

/**
 * The other `server get` datasets, each answered with what is true here (an empty list where
 * Hostwright has nothing of the kind: no shells to offer, no Plesk services, no updates channel).
 */
export function serverDataset(name: string, { stats: s, config }: ServerFacts): XmlNode | null {
  switch (name) {
    case 'gen_info':
      return el('gen_info', leaf('server_name', s.hostname), leaf('server_guid', config.license.serverId ?? ''), leaf('mode', 'standard'));
    case 'prefs':
      // No statistics recalculation runs (stat_ttl 0 = not kept); traffic is not accounted by direction (3 = both).
      return el('prefs', leaf('stat_ttl', 0), leaf('traffic_accounting', 3), leaf('restart_apache_interval', 0));
    case 'admin':
      return el('admin', leaf('admin_cname', ''), leaf('admin_pname', 'admin'), leaf('admin_email', ''));
    case 'key':
      return el(
        'key',
        prop('plesk_key_id', config.license.serverId ?? 'hostwright'),
        prop('lim_date', ''),
        prop('lim_dom', s.license_seats.free === null ? -1 : s.accounts_total + s.license_seats.free),
      );
    case 'session_setup':
      return el('session_setup', leaf('login_timeout', 0));
    case 'components':
      return el(
        'components',
        el('component', leaf('name', 'hostwright'), leaf('version', version)),
        el('component', leaf('name', 'node'), leaf('version', process.versions.node)),
      );
    case 'interfaces':
      return el('interfaces', ...Object.keys(networkInterfaces()).map((n) => leaf('interface', n)));
    case 'services_state':
    case 'shells':
    case 'site-isolation-config':
      return el(name);
    case 'updates':
      return el('updates', leaf('last_installed_update', ''), leaf('install_updates_automatically', 'false'));
    default:
      return null;
  }
}
