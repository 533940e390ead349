import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand } from './command-runner';

/** Whether block quotas can be enforced on the filesystem that holds the homes, and why not when not. */
export interface QuotaSupport {
  supported: boolean;
  mountPoint: string | null;
  reason: string;
}

const QUOTA_OPTIONS = /(?:^|,)(?:usrquota|usrjquota=[^,]*|quota|uquota|uqnoenforce)(?:,|$)/;

/**
 * Reads /proc/self/mountinfo for the mount that holds `dir` (the longest mount point above it) and
 * looks for user quota options (ext4 `usrquota`/`usrjquota=`, XFS `uquota`); setquota(8) must be
 * installed too. overlay and tmpfs have no user quotas of this kind.
 */
export function detectQuotaSupport(dir: string, mountinfo = readMountinfo(), hasSetquota = onPath('setquota')): QuotaSupport {
  let best: { point: string; fstype: string; options: string } | null = null;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const fields = left.split(' ');
    const point = unescapeMount(fields[4] ?? '');
    const [fstype, , superOptions = ''] = right.split(' ');
    const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && (!best || point.length >= best.point.length)) best = { point, fstype, options: `${fields[5] ?? ''},${superOptions}` };
  }
  if (!best) return { supported: false, mountPoint: null, reason: `no mount found for ${dir}` };
  if (!QUOTA_OPTIONS.test(best.options)) {
    return { supported: false, mountPoint: best.point, reason: `${best.point} (${best.fstype}) is not mounted with user quotas (usrquota)` };
  }
  if (!hasSetquota) return { supported: false, mountPoint: best.point, reason: 'setquota is not installed (apt-get install quota)' };
  return { supported: true, mountPoint: best.point, reason: `${best.point} (${best.fstype}) has user quotas` };
}

/** Sets an account's block quota (soft = hard = the disk limit; null: no limit) once per change of the limit. */
export class UserQuotas {
  private readonly applied = new Map<string, number | null>();

  constructor(readonly support: QuotaSupport) {}

  async apply(username: string, limitMb: number | null): Promise<void> {
    if (!this.support.supported || this.applied.get(username) === limitMb) return;
    const kib = limitMb === null ? '0' : String(limitMb * 1024);
    await runCommand(['setquota', '-u', '--', username, kib, kib, '0', '0', this.support.mountPoint!]);
    this.applied.set(username, limitMb);
  }
}

function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).some((dir) => existsSync(join(dir, command)));
}

function unescapeMount(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
