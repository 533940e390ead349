import { readdir, readFile } from 'node:fs/promises';
import { connect, NetConnectOpts } from 'node:net';
import { processAlive } from '../../platform/process/process-alive';

/*
 * A reload command returns before the reload has taken effect: `nginx -s reload` only signals the
 * master, which then parses the configuration, starts new workers and asks the old ones to finish
 * (they keep accepting until they see that, 60–150 ms on a small server); php-fpm re-executes
 * itself on SIGUSR2 and opens new pools' sockets afterwards. These waits let a plan answer only
 * once the new state is what clients get.
 */

const POLL_MS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readPid(pidFile: string): Promise<number | null> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // A kernel without CONFIG_PROC_CHILDREN: every process's parent, from /proc/<pid>/stat.
    const found: number[] = [];
    for (const name of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(name)) continue;
      const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    }
    return found;
  }
}

/** True while the process is an nginx worker that still accepts connections (not gone, not a zombie, not shutting down). */
async function serving(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('worker process') && !cmdline.includes('shutting down');
}

export interface NginxGeneration {
  master: number;
  workers: number[];
}

/** The master named by `pidFile` and its workers that accept now; null when there is no running master with workers to watch. */
export async function nginxGeneration(pidFile: string): Promise<NginxGeneration | null> {
  const master = await readPid(pidFile);
  if (master === null || !processAlive(master)) return null;
  const workers: number[] = [];
  for (const pid of await childrenOf(master)) if (await serving(pid)) workers.push(pid);
  return workers.length ? { master, workers } : null;
}

/**
 * Resolves once none of `before`'s workers accepts any more: each has exited or says "is shutting
 * down", which nginx's master asks only after the new configuration loaded and new workers
 * started (a configuration it could not load leaves the old workers serving: this times out). A
 * master replaced by a new one (a restart) with workers of its own counts as done too.
 */
export async function waitForNewGeneration(pidFile: string, before: NginxGeneration, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let old = 0;
    if (processAlive(before.master)) {
      for (const pid of before.workers) if (await serving(pid)) old++;
      if (old === 0) return;
    } else {
      const now = await nginxGeneration(pidFile);
      if (now && now.master !== before.master) return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        old ? `nginx still serves the old configuration ${timeoutMs} ms after the reload (${old} old workers accept)` : `the nginx master stopped during the reload`,
      );
    }
    await sleep(POLL_MS);
  }
}

const SIGUSR2_BIT = 1n << 11n; // signal 12

/** The master's stack start (a new one with every execve under ASLR) and whether it handles SIGUSR2 now. */
async function fpmState(pid: number): Promise<{ startstack: string; ready: boolean } | null> {
  const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''), readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')]);
  if (!stat || !status) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const mask = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1] ?? '0'}`);
  // startstack is field 28; fields[0] is field 3 (state).
  return { startstack: fields[25] ?? '', ready: (mask('SigCgt') & SIGUSR2_BIT) !== 0n && (mask('SigBlk') & SIGUSR2_BIT) === 0n };
}

export interface PhpFpmGeneration {
  master: number;
  startstack: string;
}

/**
 * The php-fpm master named by `pidFile`, once it handles SIGUSR2 (not in the middle of an earlier
 * reload); null when there is no running master to watch.
 */
export async function phpFpmGeneration(pidFile: string, timeoutMs: number): Promise<PhpFpmGeneration | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const master = await readPid(pidFile);
    const state = master !== null && processAlive(master) ? await fpmState(master) : null;
    if (master === null || state === null) return null;
    if (state.ready) return { master, startstack: state.startstack };
    if (Date.now() > deadline) throw new Error(`the php-fpm master does not handle signals ${timeoutMs} ms into an earlier reload`);
    await sleep(POLL_MS);
  }
}

/**
 * php-fpm reloads by re-executing itself: resolves once the master has (a new stack, or seen
 * without its SIGUSR2 handler) and handles signals again, i.e. runs the new configuration. A
 * master that stopped (a pool it could not load) fails; one replaced by a new master counts.
 */
export async function waitForPhpFpmReexec(pidFile: string, before: PhpFpmGeneration, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seenBusy = false;
  for (;;) {
    const state = processAlive(before.master) ? await fpmState(before.master) : null;
    if (state) {
      if (!state.ready) seenBusy = true;
      else if (seenBusy || state.startstack !== before.startstack) return;
    } else {
      const master = await readPid(pidFile);
      const now = master !== null && master !== before.master && processAlive(master) ? await fpmState(master) : null;
      if (now?.ready) return;
    }
    if (Date.now() > deadline) {
      throw new Error(state ? `php-fpm has not re-executed itself ${timeoutMs} ms after the reload` : 'the php-fpm master stopped during the reload');
    }
    await sleep(POLL_MS);
  }
}

/** A php-fpm `listen` value as connect options: a unix socket path, `port`, `host:port` or `[v6]:port`. */
export function listenTarget(listen: string): NetConnectOpts | null {
  if (listen.startsWith('/')) return { path: listen };
  const match = /^(?:\[([0-9a-f:.]+)\]:|([^:]+):)?(\d{1,5})$/i.exec(listen);
  if (!match) return null;
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port: Number(match[3]) };
}

/** The `listen = …` of a php-fpm pool file, or null. */
export function poolListen(poolConfig: string): string | null {
  return /^\s*listen\s*=\s*(\S+)\s*$/m.exec(poolConfig)?.[1] ?? null;
}

function accepts(target: NetConnectOpts): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** Resolves once every address accepts a connection (new pools are up after php-fpm's reload). */
export async function waitForListeners(addresses: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const address of addresses) {
    const target = listenTarget(address);
    if (!target) continue;
    while (!(await accepts(target))) {
      if (Date.now() > deadline) throw new Error(`php-fpm does not accept on ${address} ${timeoutMs} ms after the reload`);
      await sleep(POLL_MS);
    }
  }
}
