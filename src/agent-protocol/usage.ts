import { assertSafeValue, UnsafeValueError } from './safe-values';

export const DISK_USAGE_PATH = '/v1/usage/disk';
export const TRAFFIC_USAGE_PATH = '/v1/usage/traffic';

/** Accounts per agent call (each call's body stays far below the agent's 64 KiB limit). */
export const USAGE_BATCH = 100;

/** One account the panel wants measured; `disk_limit_mb` (null: unlimited) is the block quota where quotas are enforced. */
export interface DiskQuery {
  username: string;
  domain: string;
  disk_limit_mb: number | null;
}

/**
 * Bytes the account occupies: allocated blocks (st_blocks × 512, what a quota counts), home and
 * maildir walked with lstat (symlinks counted as links, never followed; other filesystems not
 * entered; a hard-linked file once). `databases_bytes` is null when the agent has no hosting
 * database server to ask. `complete` is false when the walk hit its bound (the bytes are then a
 * lower bound).
 */
export interface DiskMeasurement {
  username: string;
  home_bytes: number;
  mail_bytes: number;
  databases_bytes: number | null;
  complete: boolean;
  measured_at: string;
}

/** Where the panel stopped reading a domain's access log: the file's inode and the byte after the last line counted. */
export interface LogCursor {
  inode: string | null;
  offset: number;
}

export interface TrafficQuery {
  domain: string;
  cursor: LogCursor;
}

/** What was read since the cursor: bytes sent per UTC month (`YYYY-MM`), and the cursor to store with them. */
export interface TrafficRead {
  domain: string;
  months: Record<string, number>;
  lines: number;
  cursor: LogCursor;
  /** More is waiting than one read takes: ask again with the new cursor. */
  more: boolean;
}

const INODE = /^\d{1,20}$/;

function domainOf(raw: Record<string, unknown>): string {
  return assertSafeValue('domain', raw.domain);
}

/** The agent's check of a disk query: safe names only (they become paths) and a sane limit. */
export function assertDiskQueries(input: unknown): DiskQuery[] {
  if (!Array.isArray(input) || input.length > USAGE_BATCH) throw new UnsafeValueError('accounts', `must be a list of at most ${USAGE_BATCH}`);
  return input.map((item: Record<string, unknown>) => {
    const limit = item?.disk_limit_mb ?? null;
    if (limit !== null && (!Number.isSafeInteger(limit) || (limit as number) < 1)) throw new UnsafeValueError('disk_limit_mb', 'must be a positive integer or null');
    return { username: assertSafeValue('username', item?.username), domain: domainOf(item ?? {}), disk_limit_mb: limit as number | null };
  });
}

/** The agent's check of a traffic query: a safe domain (it names the log file) and a well-formed cursor. */
export function assertTrafficQueries(input: unknown): TrafficQuery[] {
  if (!Array.isArray(input) || input.length > USAGE_BATCH) throw new UnsafeValueError('domains', `must be a list of at most ${USAGE_BATCH}`);
  return input.map((item: Record<string, unknown>) => {
    const cursor = (item?.cursor ?? {}) as Record<string, unknown>;
    const inode = cursor.inode ?? null;
    if (inode !== null && (typeof inode !== 'string' || !INODE.test(inode))) throw new UnsafeValueError('cursor.inode', 'must be a decimal string or null');
    if (!Number.isSafeInteger(cursor.offset) || (cursor.offset as number) < 0) throw new UnsafeValueError('cursor.offset', 'must be a whole number of bytes');
    return { domain: domainOf(item ?? {}), cursor: { inode: inode as string | null, offset: cursor.offset as number } };
  });
}
