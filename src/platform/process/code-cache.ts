import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/** What became of the code cache on this start: read and taken, made anew (none, or V8 refused it), or switched off. */
export type CodeCacheStatus = 'used' | 'made' | 'rejected' | 'off';

/** The event main.ts emits on `process` once the panel answers: the cache is written then, with what start-up compiled. */
export const READY_EVENT = 'hostwright:ready';
const STATUS = Symbol.for('hostwright.codeCache');

/** This start's status, for the ready line; 'off' when the panel was not started through the launcher. */
export function codeCacheStatus(): CodeCacheStatus {
  return ((globalThis as Record<symbol, unknown>)[STATUS] as CodeCacheStatus | undefined) ?? 'off';
}

/**
 * Runs a CommonJS bundle as Node's loader would, compiled by V8 from the code cache kept in `dir`
 * when there is one for this exact source, Node version and architecture: the bundle's 7.7 MB
 * were ≈200 ms of every start's compile and first-call compiles. The cache is code, so it is read
 * only when this process's user owns it and nobody else may write it, and written mode 0600.
 * `dir` null: compiled from the source alone.
 */
export function runWithCodeCache(file: string, dir: string | null): void {
  // The panel sets --expose-gc once it runs (idle-memory.ts); V8 refuses a cache made under
  // other flags, so the flags are the same before it compiles as when it wrote the cache.
  setFlagsFromString('--expose-gc');
  const source = readFileSync(file, 'utf8');
  const cacheFile = dir ? join(dir, cacheName(source)) : null;
  const cachedData = cacheFile ? trustedFile(cacheFile) : undefined;
  // No dynamic-import callback: on Node 20 a script compiled from a cache loses it, so import()
  // would work on some starts only; the bundle has none (scripts/bundle.mjs turns them into require).
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const status: CodeCacheStatus = !cacheFile ? 'off' : !cachedData ? 'made' : script.cachedDataRejected ? 'rejected' : 'used';
  (globalThis as Record<symbol, unknown>)[STATUS] = status;
  if (cacheFile && status !== 'used') process.once(READY_EVENT, () => setImmediate(() => keep(cacheFile, script.createCachedData())));
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(file));
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(bundle.exports, bundle.exports, createRequire(file), bundle, file, dirname(file));
}

const PREFIX = 'code-cache-';

/** Named by the source's hash, Node's version and the architecture: any other bundle or runtime has its own. */
function cacheName(source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `${PREFIX}${hash}-${process.version}-${process.arch}.bin`;
}

/** The file's bytes when it is a regular file of this user that no one else may write; else undefined. */
function trustedFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Written whole or not at all (a temp file renamed), and the caches of other bundles removed; a failure only costs the next start its speed. */
function keep(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, path);
    for (const name of readdirSync(dirname(path))) {
      if (name.startsWith(PREFIX) && join(dirname(path), name) !== path) unlinkSync(join(dirname(path), name));
    }
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}
