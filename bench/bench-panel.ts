// What the creates and memory benches share: a panel on a fresh SQLite install (what `npm start`
// makes) under a temp dir, an unlimited licence, its first admin token, and creates over HTTP.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publicKeyOneLine, signLicense } from '../src/license/license-file';
import { freePort, Server, startServer } from './support';

export const ROOT = resolve(__dirname, '../..');
export const BUNDLE = join(ROOT, 'dist/hostwright.js');

/** `VAR=value … node --flag … dist/hostwright.js` (npm start's, the systemd unit's ExecStart) → its variables and node flags. */
export function startCommand(command: string): { env: Record<string, string>; flags: string[] } {
  const match = /^((?:[A-Z_]+=\S+\s+)*)\S*node((?:\s+--\S+)*)\s+dist\/hostwright\.js$/.exec(command.trim());
  if (!match) throw new Error(`not "VARS node FLAGS dist/hostwright.js": ${command}`);
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  return { env: Object.fromEntries(words(match[1]).map((pair) => pair.split(/=(.*)/s, 2))), flags: words(match[2]) };
}

/** package.json's `start` script. */
export function npmStartScript(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
}

/** The variables `npm start` sets (MALLOC_MMAP_THRESHOLD_) and its node flags as NODE_OPTIONS, so the benches run what it runs. */
export function startScriptEnv(): Record<string, string> {
  const { env, flags } = startCommand(npmStartScript());
  return flags.length ? { ...env, NODE_OPTIONS: flags.join(' ') } : env;
}

export interface Install {
  dataDir: string;
  rootDir: string;
  env: Record<string, string>;
  token: string;
  /** Starts the bundled panel (`npm start`'s) on this install. */
  start(): Promise<Server>;
  remove(): void;
}

/** A fresh install: first start (migrations, the admin token printed once), then stopped. */
export async function freshInstall(name: string): Promise<Install> {
  const dataDir = mkdtempSync(join(tmpdir(), `hw-bench-${name}-`));
  const port = await freePort();
  const env: Record<string, string> = {
    HW_TLS: 'false',
    HW_HOST: '127.0.0.1',
    HW_PORT: String(port),
    HW_DATA_DIR: dataDir,
    HW_ROOT_DIR: join(dataDir, 'root'),
    HW_TEMPLATES_DIR: join(ROOT, 'templates'),
    HW_LOG_LEVEL: process.env.HW_LOG_LEVEL ?? 'info',
    HW_RATE_LIMIT: '1000000',
    ...startScriptEnv(),
    ...benchLicense(dataDir),
  };
  const first = await startServer(BUNDLE, env, port);
  const token = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(first.output())?.[1];
  await first.stop();
  if (!token) throw new Error(`no admin token printed:\n${first.output()}`);
  return {
    dataDir,
    rootDir: env.HW_ROOT_DIR,
    env,
    token,
    start: () => startServer(BUNDLE, env, port),
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

let made = 0;
const run = `${(process.pid % 1000).toString(36)}${(Date.now() % 1e6).toString(36)}`;

/** One create through the API; resolves to its latency in ms. */
export async function createAccount(server: Server, token: string): Promise<number> {
  const u = `c${run}${(made++).toString(36)}`;
  const body = JSON.stringify({ username: u, domain: `${u}.bench.test`, email: `${u}@bench.test`, password: 'bench-password-1', package_id: 1 });
  const started = process.hrtime.bigint();
  const response = await fetch(`${server.url}/api/v1/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${text.slice(0, 300)}`);
  return ms;
}

/** `count` creates by `clients` clients at once; resolves to every latency and the creates per second. */
export async function createMany(server: Server, token: string, count: number, clients: number): Promise<{ latencies: number[]; perSecond: number }> {
  const latencies: number[] = [];
  let left = count;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left > 0) {
        left--;
        latencies.push(await createAccount(server, token));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { latencies, perSecond: count / seconds };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]) => percentile(values, 50);
export const f = (n: number, digits = 1) => n.toFixed(digits);

/** An unlimited licence signed by a key made for this run, so creates are not held to the free plan's 5. */
export function benchLicense(dataDir: string): Record<string, string> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const year = 365 * 86_400_000;
  const doc = signLicense(
    {
      licensee: 'bench',
      plan: 'bench',
      max_accounts: 0,
      issued_at: new Date(Date.now() - 86_400_000).toISOString(),
      expires_at: new Date(Date.now() + year).toISOString(),
    },
    privateKey,
  );
  const file = join(dataDir, 'license.json');
  writeFileSync(file, JSON.stringify(doc));
  return { HW_LICENSE_PUBLIC_KEY: publicKeyOneLine(publicKey), HW_LICENSE_FILE: file };
}
