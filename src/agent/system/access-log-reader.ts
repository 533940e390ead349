import { FileHandle, open } from 'node:fs/promises';
import { LogCursor } from '../../agent-protocol/usage';

/** The name of the nginx log format templates/nginx-http.conf defines: `$msec $bytes_sent`, one request a line. */
export const USAGE_LOG_FORMAT = 'hostwright_usage';

const LINE = /^(\d{1,11})(?:\.\d+)? (\d{1,15})$/;
const CHUNK = 1024 * 1024;

export interface LogRead {
  months: Record<string, number>;
  lines: number;
  cursor: LogCursor;
  more: boolean;
}

/**
 * Reads a domain's access log from the cursor: whole lines only (a line nginx is still writing is
 * left for the next read), at most `maxBytes` a call (`more` says the rest waits). Rotation
 * (logrotate renames the file and nginx reopens a new one): when the file's inode is no longer the
 * cursor's, the rest of the rotated `<file>.1` is read from the old offset first, then the new file
 * from 0. A file shorter than the offset was truncated in place (copytruncate): read from 0. The
 * reader keeps nothing: the cursor lives with the totals in the panel's database.
 */
export async function readAccessLog(file: string, cursor: LogCursor, maxBytes: number): Promise<LogRead> {
  const months: Record<string, number> = {};
  let lines = 0;
  let budget = maxBytes;
  const current = await openIfThere(file);
  try {
    const currentInode = current ? String((await current.stat({ bigint: true })).ino) : null;
    let start: LogCursor = cursor.inode === null ? { inode: currentInode, offset: 0 } : cursor;
    if (cursor.inode !== null && cursor.inode !== currentInode) {
      const rotated = await openIfThere(`${file}.1`);
      try {
        if (rotated && String((await rotated.stat({ bigint: true })).ino) === cursor.inode) {
          const read = await readLines(rotated, cursor.offset, budget, months);
          lines += read.lines;
          budget -= read.end - cursor.offset;
          if (read.more) return { months, lines, cursor: { inode: cursor.inode, offset: read.end }, more: true };
        }
      } finally {
        await rotated?.close();
      }
      start = { inode: currentInode, offset: 0 };
    }
    if (!current) return { months, lines, cursor: { inode: null, offset: 0 }, more: false };
    const size = (await current.stat()).size;
    const from = start.offset > size ? 0 : start.offset;
    const read = await readLines(current, from, budget, months);
    return { months, lines: lines + read.lines, cursor: { inode: currentInode, offset: read.end }, more: read.more };
  } finally {
    await current?.close();
  }
}

/** Adds the bytes of each whole line from `from` on into `months`; `end` is the byte after the last whole line read. */
async function readLines(handle: FileHandle, from: number, budget: number, months: Record<string, number>): Promise<{ end: number; lines: number; more: boolean }> {
  const size = (await handle.stat()).size;
  const stop = Math.min(size, from + Math.max(0, budget));
  const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(1, stop - from)));
  const month = new MonthOf();
  let lines = 0;
  let position = from;
  let carry = '';
  let end = from;
  while (position < stop) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, stop - position), position);
    if (bytesRead === 0) break;
    const text = carry + buffer.toString('latin1', 0, bytesRead);
    position += bytesRead;
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      carry = text;
      continue;
    }
    for (const line of text.slice(0, last).split('\n')) {
      const m = LINE.exec(line);
      if (m) {
        const key = month.of(Number(m[1]));
        months[key] = (months[key] ?? 0) + Number(m[2]);
        lines++;
      }
    }
    carry = text.slice(last + 1);
    end = position - carry.length; // latin1: one char per byte
  }
  // A "line" longer than a whole read is not nginx's: skip it rather than stall on it for ever.
  if (end === from && stop - from >= budget && budget > 0) end = stop;
  return { end, lines, more: stop < size && end < size };
}

/** `YYYY-MM` (UTC) of a Unix second, remembering the last month's bounds (log lines come in time order). */
class MonthOf {
  private from = 0;
  private to = -1;
  private key = '';

  of(second: number): string {
    if (second >= this.from && second < this.to) return this.key;
    const d = new Date(second * 1000);
    this.from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    this.to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
    this.key = d.toISOString().slice(0, 7);
    return this.key;
  }
}

async function openIfThere(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
