import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { KeyedMutex } from './keyed-mutex';

/**
 * Every write the steps make, confined to rootDir: whole files by temp + rename, symlinks the
 * same way, and one-line-per-key edits of shared map files under a per-file lock.
 */
export class FileOps {
  private readonly locks = new KeyedMutex();

  constructor(readonly rootDir: string) {}

  /** The absolute path of a server path (`/etc/…`) under rootDir; refuses anything that escapes it. */
  path(serverPath: string): string {
    const full = join(this.rootDir, serverPath);
    const rel = relative(this.rootDir, full);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`path escapes rootDir: ${serverPath}`);
    return full;
  }

  async writeAtomic(serverPath: string, content: string, mode = 0o644): Promise<void> {
    const target = this.path(serverPath);
    await mkdir(dirname(target), { recursive: true });
    const temp = tempNameFor(target);
    try {
      await writeFile(temp, content, { mode, flag: 'wx' });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Points `link` at `target` (relative), replacing an old link atomically. */
  async symlinkAtomic(serverPath: string, target: string): Promise<void> {
    const link = this.path(serverPath);
    await mkdir(dirname(link), { recursive: true });
    const temp = tempNameFor(link);
    await symlink(target, temp);
    try {
      await rename(temp, link);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async read(serverPath: string): Promise<string | null> {
    try {
      return await readFile(this.path(serverPath), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async exists(serverPath: string): Promise<boolean> {
    try {
      await lstat(this.path(serverPath));
      return true;
    } catch {
      return false;
    }
  }

  /** Removes a file or a link (never follows it); absent is fine. */
  async removeFile(serverPath: string): Promise<void> {
    try {
      await unlink(this.path(serverPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Removes a directory tree without following symlinks inside it; a symlink in its place is only unlinked. */
  async removeTree(serverPath: string): Promise<void> {
    const full = this.path(serverPath);
    let stat;
    try {
      stat = await lstat(full);
    } catch {
      return;
    }
    if (!stat.isDirectory()) await unlink(full);
    else await rm(full, { recursive: true, force: true });
  }

  async mkdir(serverPath: string, mode: number): Promise<string> {
    const full = this.path(serverPath);
    await mkdir(full, { recursive: true, mode });
    return full;
  }

  /** Creates an empty map file when absent (a service config may name it before any line exists). */
  ensureFile(serverPath: string): Promise<void> {
    return this.locks.run(serverPath, async () => {
      if ((await this.read(serverPath)) === null) await this.writeAtomic(serverPath, '');
    });
  }

  /**
   * Makes `line` the one line of a map file whose key is `key` (replacing an old one), or with
   * `line === null` removes exactly the lines with that key. Atomic; other lines keep their bytes.
   */
  editLine(serverPath: string, key: string, line: string | null, keyOf: (line: string) => string, onlyIfPresent = false): Promise<void> {
    return this.locks.run(serverPath, async () => {
      const current = (await this.read(serverPath)) ?? '';
      const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n');
      const index = lines.findIndex((l) => keyOf(l) === key);
      if (onlyIfPresent && index < 0) return;
      let next = lines.filter((l) => keyOf(l) !== key);
      if (line !== null) {
        const clean = line.replace(/\n$/, '');
        next = index < 0 ? [...next, clean] : [...next.slice(0, index), clean, ...next.slice(index)];
      }
      const content = next.length ? `${next.join('\n')}\n` : '';
      if (content === current) return;
      await this.writeAtomic(serverPath, content);
    });
  }
}

/**
 * A temp name beside `target` that no service include matches (a dot file: not `*`, not
 * `*.conf`) and that does not grow with the target's name (a domain of 244 characters still
 * leaves room under NAME_MAX, 255).
 */
export function tempNameFor(target: string): string {
  return join(dirname(target), `.hw-tmp-${randomBytes(6).toString('hex')}`);
}

/** Key of a whitespace-separated map line (postfix maps). */
export const keyBeforeSpace = (line: string): string => line.split(/\s/, 1)[0];
/** Key of a colon-separated line (dovecot passwd-file). */
export const keyBeforeColon = (line: string): string => line.split(':', 1)[0];
