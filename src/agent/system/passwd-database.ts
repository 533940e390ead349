import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { FileOps } from './file-ops';
import { KeyedMutex } from './keyed-mutex';
import { lockShadowFiles, unlockShadowFiles } from './shadow-file-lock';
import { ShadowLockHelper } from './shadow-lock-helper';

export const PASSWD_FILES = ['passwd', 'group', 'gshadow', 'shadow'] as const;
export type PasswdFile = (typeof PASSWD_FILES)[number];

/**
 * The texts of the files a change writes, as read under the locks (only those: a password reads
 * shadow alone); a file that does not exist (gshadow, shadow) is null.
 */
export type PasswdTables = Partial<Record<PasswdFile, string | null>>;

interface Queued {
  writes: readonly PasswdFile[];
  mutate: (tables: PasswdTables) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Our own writer of /etc/passwd, /etc/group, /etc/gshadow and /etc/shadow, keeping shadow-utils'
 * contract so useradd, usermod, chpasswd, vipw, pam_unix running at the same time never lose a
 * line: lckpwdf() (fcntl on `etc/.pwd.lock`, through ShadowLockHelper), then each file's
 * `<file>.lock` in useradd's order, the files read only under the locks, each changed file's
 * previous content kept as `<file>-`, the new one written to `<file>+`, fsynced with the old
 * owner and mode, and renamed over it. useradd rescans the files several times per call (≈13 µs
 * per existing user); one pass here is a few ms at 10,000 users. Changes asked for while a write
 * is under way are applied together in the next one, so concurrent creates share one lock and
 * one rewrite.
 */
export class PasswdDatabase {
  readonly helper = new ShadowLockHelper();
  /** Held for every write and every tool run of this process, so they never meet at a lock file. */
  readonly mutex = new KeyedMutex();
  private queue: Queued[] = [];
  private draining = false;

  constructor(private readonly files: FileOps) {}

  /**
   * Applies `mutate` to the files' texts under the locks and writes what changed. A mutate that
   * throws leaves the lines as it found them and rejects with its error; the others in the batch go on.
   */
  change<T>(writes: readonly PasswdFile[], mutate: (tables: PasswdTables) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ writes, mutate, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Runs `work` (a system tool on the same files) between our writes. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.run('passwd', work);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const outcomes: { ok: boolean; value: unknown }[] = [];
        try {
          const writes = PASSWD_FILES.filter((f) => batch.some((item) => item.writes.includes(f)));
          await this.mutex.run('passwd', () =>
            this.transaction(writes, (tables) => {
              for (const item of batch) outcomes.push(applyOne(tables, item.mutate));
            }),
          );
        } catch (error) {
          for (const item of batch) item.reject(error);
          continue;
        }
        batch.forEach((item, i) => (outcomes[i].ok ? item.resolve(outcomes[i].value) : item.reject(outcomes[i].value)));
      }
    } finally {
      this.draining = false;
    }
  }

  /** Locks (lckpwdf, then the files it `writes`), reads those, lets `mutate` edit them, writes back the ones that changed. */
  private async transaction(writes: PasswdFile[], mutate: (tables: PasswdTables) => void): Promise<void> {
    const path = (f: PasswdFile) => this.files.path(`/etc/${f}`);
    await this.helper.lock(this.files.path('/etc/.pwd.lock'));
    try {
      const locked = await lockShadowFiles(writes.map(path));
      try {
        const texts = await Promise.all(writes.map((f) => this.files.read(`/etc/${f}`)));
        const before: PasswdTables = Object.fromEntries(writes.map((f, i) => [f, texts[i]]));
        const tables = { ...before };
        if (tables.passwd === null || tables.group === null) throw new Error('/etc/passwd or /etc/group is missing');
        mutate(tables);
        const changed = PASSWD_FILES.filter((f) => tables[f] !== before[f]);
        const stray = changed.filter((f) => !writes.includes(f) || before[f] == null);
        if (stray.length) throw new Error(`a change edited ${stray.join(', ')} without its lock or an existing file`);
        // Written and synced together (one journal commit), renamed in useradd's order.
        await Promise.all(changed.map((f) => stage(path(f), tables[f]!)));
        for (const f of changed) await rename(`${path(f)}+`, `${path(f)}`);
      } finally {
        await unlockShadowFiles(locked);
      }
    } finally {
      // A helper that died has dropped the lock with it: nothing left to release.
      await this.helper.unlock().catch(() => undefined);
    }
  }
}

function applyOne(tables: PasswdTables, mutate: (tables: PasswdTables) => unknown): { ok: boolean; value: unknown } {
  const saved = { ...tables };
  try {
    return { ok: true, value: mutate(tables) };
  } catch (error) {
    for (const f of PASSWD_FILES) if (f in saved) tables[f] = saved[f];
    return { ok: false, value: error };
  }
}

/**
 * `<file>-` becomes the file as it was (a hard link to it: the tools copy it, same content,
 * owner, mode and times) and `<file>+` the new content, synced with the file's owner and mode.
 */
async function stage(path: string, content: string): Promise<void> {
  const { mode, uid, gid } = await stat(path);
  await unlink(`${path}.cio-`).catch(() => undefined);
  await link(path, `${path}.cio-`);
  await rename(`${path}.cio-`, `${path}-`);
  await writeSynced(`${path}+`, content, mode, uid, gid);
}

async function writeSynced(path: string, content: string, mode: number, uid: number, gid: number): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    if (process.getuid?.() === 0) await handle.chown(uid, gid);
    await handle.chmod(mode & 0o7777);
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  } finally {
    await handle.close();
  }
}
