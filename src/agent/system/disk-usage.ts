import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';

/** How far one walk may go: one huge or hostile home cannot stall the measurement of the others. */
export interface WalkBounds {
  maxEntries: number;
  maxMs: number;
}

export const DEFAULT_WALK_BOUNDS: WalkBounds = { maxEntries: 2_000_000, maxMs: 60_000 };

export interface TreeSize {
  bytes: number;
  entries: number;
  complete: boolean;
}

/**
 * Allocated bytes of a tree (st_blocks × 512, as `du` and quotas count; a sparse file counts what
 * it occupies), walked with lstat: a symlink counts as itself and is never followed, a directory on
 * another filesystem (a bind mount) is not entered, a file with several hard links counts once.
 * Stops at `bounds` and says so (`complete: false`, the bytes so far). A missing root is 0 bytes.
 */
export async function treeSize(root: string, bounds: WalkBounds = DEFAULT_WALK_BOUNDS): Promise<TreeSize> {
  const deadline = Date.now() + bounds.maxMs;
  const top = await lstat(root, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!top) return { bytes: 0, entries: 0, complete: true };
  const seenLinked = new Set<bigint>();
  let bytes = Number(top.blocks) * 512;
  let entries = 1;
  if (!top.isDirectory()) return { bytes, entries, complete: true };
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let handle;
    try {
      handle = await opendir(dir, { bufferSize: 256 });
    } catch {
      continue; // vanished or unreadable meanwhile: what it held is no longer there to count
    }
    for await (const entry of handle) {
      if (entries >= bounds.maxEntries || Date.now() > deadline) return { bytes, entries, complete: false }; // leaving the loop closes the dir
      const path = join(dir, entry.name);
      const st = await lstat(path, { bigint: true }).catch(() => null);
      if (!st) continue;
      entries++;
      if (!st.isDirectory() && st.nlink > 1n) {
        if (seenLinked.has(st.ino)) continue;
        seenLinked.add(st.ino);
      }
      bytes += Number(st.blocks) * 512;
      if (st.isDirectory() && st.dev === top.dev) pending.push(path);
    }
  }
  return { bytes, entries, complete: true };
}
