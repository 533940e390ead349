import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from './test-database';
import { RunningServer, startServer } from './spawn-server';
import { REPO_ROOT } from './test-app';

/** The real `node dist/hostwright.js` on plain HTTP, a free port, a temp data dir and a fresh database. */
export class SpawnedPanel {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly server: RunningServer,
    private readonly dataDir: string,
    private readonly database: TestDatabase,
  ) {
    this.exited = server.exited.then((code) => ({ code, signal: server.process.signalCode }));
  }

  static async start(env: Record<string, string> = {}): Promise<SpawnedPanel> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hw-spawn-'));
    const database = await createTestDatabase();
    const server = await startServer(
      {
        HW_TLS: 'false',
        HW_DATA_DIR: dataDir,
        HW_ROOT_DIR: join(dataDir, 'root'),
        HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
        DATABASE_URL: database.url ?? '',
        ...env,
      },
      { inheritEnv: false, cwd: dataDir },
    );
    if (server.process.exitCode !== null) throw new Error(`panel exited: ${server.stderr()}${server.stdout()}`);
    return new SpawnedPanel(server, dataDir, database);
  }

  get child(): ChildProcess {
    return this.server.process;
  }

  get port(): number {
    return this.server.port;
  }

  get stdout(): string {
    return this.server.stdout();
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
