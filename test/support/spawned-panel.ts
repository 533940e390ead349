import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from './test-database';
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

/** Polls `check` (every few ms, no fixed sleeps) until it is truthy or the deadline passes. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The real `node dist/src/main.js` on plain HTTP, a free port, a temp data dir and a fresh database. */
export class SpawnedPanel {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly dataDir: string,
    private readonly database: TestDatabase,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(env: Record<string, string> = {}): Promise<SpawnedPanel> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-spawn-'));
    const database = await createTestDatabase();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/src/main.js')], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH,
        HW_TLS: 'false',
        HW_HOST: '127.0.0.1',
        HW_PORT: String(port),
        HW_DATA_DIR: dataDir,
        HW_ROOT_DIR: join(dataDir, 'root'),
        HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
        HW_LOG_LEVEL: 'info',
        DATABASE_URL: database.url ?? '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const panel = new SpawnedPanel(child, port, dataDir, database);
    await waitFor('the panel to answer /health', async () => {
      if (child.exitCode !== null) throw new Error(`panel exited: ${panel.stderr}${panel.stdout}`);
      return fetch(`${panel.url}/health`).then((r) => r.ok, () => false);
    });
    return panel;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The admin token printed once on a fresh install. */
  get firstToken(): string {
    const match = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(this.stdout);
    if (!match) throw new Error(`no first token in output: ${this.stdout}`);
    return match[1];
  }

  /** stdout's JSON log lines. */
  logLines(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async cleanUp(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    await this.database.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
