import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { processAlive } from '../../platform/process/process-alive';

/** How long to keep trying (the tools try 15 times, a second apart). */
const PATIENCE_MS = 15_000;

class LockBusyError extends Error {}

/**
 * shadow-utils' per-file locks, as its commonio takes them: our pid (NUL-terminated) written to
 * `<file>.<pid>` and fdatasynced (a lock left by a crash names a dead pid, so the next taker sees
 * it is stale), link(2)ed to `<file>.lock`, the link count checked to be 2. A lock naming a pid
 * that no longer runs is removed and taken. Every lock or none: a live holder of any releases
 * those taken (no deadlock with a tool taking them in another order), and we try again until
 * PATIENCE_MS. The pid files are written (and synced) together: one journal commit, not four.
 * Returns the files locked, in order.
 */
export async function lockShadowFiles(files: string[]): Promise<string[]> {
  const mine = (file: string) => `${file}.${process.pid}`;
  await Promise.all(files.map((file) => writePidFile(mine(file))));
  const deadline = Date.now() + PATIENCE_MS;
  try {
    for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
      const taken: string[] = [];
      try {
        for (const file of files) {
          await take(mine(file), `${file}.lock`);
          taken.push(file);
        }
        return taken;
      } catch (error) {
        await unlockShadowFiles(taken);
        if (!(error instanceof LockBusyError) || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  } finally {
    await Promise.all(files.map((file) => unlink(mine(file)).catch(() => undefined)));
  }
}

export async function unlockShadowFiles(files: string[]): Promise<void> {
  for (const file of [...files].reverse()) await unlink(`${file}.lock`).catch(() => undefined);
}

async function writePidFile(path: string): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.writeFile(`${process.pid}\0`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function take(mine: string, lock: string): Promise<void> {
  if (await linked(mine, lock)) return;
  const holder = Number.parseInt((await readFile(lock, 'latin1').catch(() => '')).replace(/\0[^]*$/, ''), 10);
  if (!Number.isInteger(holder) || holder <= 0) throw new LockBusyError(`${lock} names no pid`);
  // Our own pid: left by an earlier panel with this pid (a container restart); this process never holds one while it takes another.
  if (holder !== process.pid && processAlive(holder)) throw new LockBusyError(`${lock} is held by pid ${holder}`);
  await unlink(lock).catch(() => undefined);
  if (!(await linked(mine, lock))) throw new LockBusyError(`${lock} was taken by another process`);
}

async function linked(mine: string, lock: string): Promise<boolean> {
  try {
    await link(mine, lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  if ((await stat(mine)).nlink === 2) return true;
  throw new Error(`${lock}: lock file already used (link count is not 2)`);
}
