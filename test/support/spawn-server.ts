import { ChildProcess, spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { REPO_ROOT } from './test-app';

/** A port nobody listens on right now (bind to 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  process: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** Start from this process's environment (the default) or from PATH alone. */
  inheritEnv?: boolean;
  cwd?: string;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running, so the runner is not held open by its pipes. */
export function killLeftovers(): void {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Starts `node dist/hostwright.js` (what `npm start` runs) as an operator would, and resolves once it says it listens (the
 * line comes after the first-start token) or once it exits (a bad setting).
 */
export async function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<RunningServer> {
  const port = Number(env.HW_PORT ?? (await freePort()));
  const base = options.inheritEnv === false ? { PATH: process.env.PATH } : process.env;
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/hostwright.js')], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...base, HW_HOST: '127.0.0.1', HW_PORT: String(port), HW_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve) => {
      const check = () => (out.includes('listening on') ? resolve() : undefined);
      child.stdout!.on('data', check);
      check();
    }),
    exited,
    new Promise<void>((_, reject) => {
      deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the panel did not start within 60 s:\n${out}\n${err}`));
      }, 60_000);
    }),
  ]).finally(() => clearTimeout(deadline));
  return { process: child, port, stdout: () => out, stderr: () => err, exited };
}

export async function stopServer(server: RunningServer): Promise<number | null> {
  if (server.process.exitCode === null) server.process.kill('SIGTERM');
  return server.exited;
}

/** A GET over HTTPS (self-signed accepted) or HTTP. */
export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; cert?: unknown }> {
  return new Promise((resolve, reject) => {
    const isHttps = url.startsWith('https:');
    const req = (isHttps ? httpsRequest : httpRequest)(url, { headers, rejectUnauthorized: false } as never, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}
