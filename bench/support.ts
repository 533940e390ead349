import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { freePort as anyFreePort } from '../test/support/spawn-server';

let nextPort = Number(process.env.HW_BENCH_PORT_BASE ?? 0);
/** A loopback port: the next of HW_BENCH_PORT_BASE's range when set (a shared machine), else any free one. */
/**
 * HW_BENCH_ONLY=reads,creates,… runs only those parts of `npm run bench` (reads, usage, operations,
 * dns, creates, memory, fleet); unset, every part.
 */
export function benchPart(name: string): boolean {
  const only = process.env.HW_BENCH_ONLY;
  return !only || only.split(',').some((part) => part.trim() === name);
}

export function freePort(): Promise<number> {
  return nextPort ? Promise.resolve(nextPort++) : anyFreePort();
}

export interface Load {
  rps: number;
  /** Responses counted over the run. */
  total: number;
  /** µs of the measured server process's CPU per response (NaN when none was named). */
  cpuPerRequest: number;
  /** Mean latency in ms (fractional; autocannon's percentiles are whole milliseconds). */
  mean: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  readyMs: number;
  stop(): Promise<number | null>;
}

/** Spawns a node script and measures the time until GET /health answers 200. */
export async function startServer(script: string, env: Record<string, string>, port: number): Promise<Server> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Keep only the head of stdout (the first-token banner); the rest is request logs.
  child.stdout!.on('data', (chunk: Buffer) => {
    if (output.length < 200_000) output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${script} did not get ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    child,
    url,
    output: () => output,
    readyMs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time in ms: the whole machine's busy time, and one process's own (threads included). */
export function cpuMs(pid: number): { machine: number; process: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + ticks[4];
  const busy = ticks.reduce((a, b) => a + b, 0) - idle;
  // Fields after the parenthesised name: utime and stime are the 12th and 13th.
  const own = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const tick = 1000 / 100; // USER_HZ
  return { machine: busy * tick, process: (Number(own[11]) + Number(own[12])) * tick };
}

/**
 * CPU time one process has had, in µs, all its threads: the scheduler's own nanosecond count
 * (/proc/<pid>/task/<tid>/schedstat) instead of utime + stime, which move in 10 ms ticks.
 */
export function cpuMicros(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ', 1)[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1000;
}

/**
 * Runs autocannon. With `amount`, the run is timed (and `server`'s CPU read) at the last response:
 * autocannon itself ends such a run on its next one-second tick, which would count idle time.
 */
export async function load(options: autocannon.Options, server?: number): Promise<Load> {
  const started = process.hrtime.bigint();
  const cpuBefore = server ? cpuMicros(server) : 0;
  let cpuAfter = cpuBefore;
  let lastAt = started;
  let responses = 0;
  const run = autocannon({ connections: 10, ...(options.amount ? {} : { duration: 5 }), ...options }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  const instance: autocannon.Instance = run;
  instance.on('response', () => {
    lastAt = process.hrtime.bigint();
    if (++responses === options.amount && server) cpuAfter = cpuMicros(server);
  });
  const result = await run;
  const seconds = Number(lastAt - started) / 1e9;
  return {
    rps: options.amount ? result.requests.total / seconds : result.requests.average,
    total: result.requests.total,
    cpuPerRequest: server ? (cpuAfter - cpuBefore) / result.requests.total : NaN,
    mean: result.latency.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * RSS once the process has been idle long enough to give memory back (the panel collects after a
 * quiet 5 s check: platform/process/idle-memory.ts, so at least 12 s) and it has stopped falling; at most 30 s.
 */
export async function settledRss(pid: number): Promise<number> {
  let last = rssMb(pid);
  for (let waited = 0; waited < 30_000; waited += 2000) {
    await sleep(2000);
    const now = rssMb(pid);
    if (waited >= 10_000 && now >= last - 1) return now;
    last = Math.min(last, now);
  }
  return rssMb(pid);
}
