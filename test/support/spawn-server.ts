import { ChildProcess, spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { freePort } from './spawned-panel';
import { REPO_ROOT } from './test-app';

export interface RunningServer {
  process: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `node dist/src/main.js` as an operator would, and waits until it says it listens (or exits). */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = Number(env.HW_PORT ?? (await freePort()));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/src/main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, HW_HOST: '127.0.0.1', HW_PORT: String(port), HW_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
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
