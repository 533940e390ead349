import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../../src/platform/process/process-alive';
import { RunningServer, startServer } from './spawn-server';
import { REPO_ROOT } from './test-app';
import { waitFor } from './wait-for';

export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** One panel process (`node dist/hostwright.js`) on real TCP; several share one database. */
export class FleetPanel {
  private constructor(
    readonly name: string,
    readonly server: RunningServer,
    readonly dataDir: string,
  ) {}

  /** `env` carries DATABASE_URL (its Galera node), HW_SECRET_KEY_FILE (shared by every panel) and the licence settings. */
  static async start(name: string, dir: string, port: number, env: Record<string, string>): Promise<FleetPanel> {
    const dataDir = join(dir, name);
    mkdirSync(dataDir, { recursive: true });
    const server = await startServer(
      {
        HW_TLS: 'false',
        HW_PORT: String(port),
        HW_DATA_DIR: dataDir,
        HW_ROOT_DIR: join(dataDir, 'root'),
        HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
        HW_INSTANCE_ID: name,
        ...env,
      },
      { inheritEnv: false, cwd: dataDir },
    );
    if (server.process.exitCode !== null) throw new Error(`panel ${name} exited: ${server.stderr()}${server.stdout()}`);
    return new FleetPanel(name, server, dataDir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /** The admin token printed once on a fresh install (the first panel on an empty database). */
  get firstToken(): string {
    const match = /^\s+(hw_[A-Za-z0-9_-]+)$/m.exec(this.server.stdout());
    if (!match) throw new Error(`no first token in output of ${this.name}: ${this.server.stdout()}`);
    return match[1];
  }

  async call(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const response = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  async stop(): Promise<void> {
    const child = this.server.process;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await this.server.exited;
    }
  }
}

/** One agent daemon (`node dist/src/agent/main.js`) with its own root dir: one server of the fleet. */
export class FleetAgent {
  private output = '';

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly rootDir: string,
    readonly secret: string,
    private readonly env: Record<string, string>,
    private child: ChildProcess,
  ) {}

  static async start(name: string, dir: string, port: number, secret: string, env: Record<string, string>): Promise<FleetAgent> {
    const dataDir = join(dir, name);
    const rootDir = join(dataDir, 'root');
    mkdirSync(rootDir, { recursive: true });
    const full = {
      PATH: process.env.PATH ?? '',
      HW_DATA_DIR: dataDir,
      HW_ROOT_DIR: rootDir,
      HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
      HW_AGENT_HOST: '127.0.0.1',
      HW_AGENT_PORT: String(port),
      HW_AGENT_SECRET: secret,
      HW_LOG_LEVEL: 'info',
      ...env,
    };
    const agent = new FleetAgent(name, port, rootDir, secret, full, FleetAgent.spawn(full, dataDir));
    await agent.listening();
    return agent;
  }

  private static spawn(env: Record<string, string>, cwd: string): ChildProcess {
    return spawn(process.execPath, [join(REPO_ROOT, 'dist/src/agent/main.js')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private async listening(): Promise<void> {
    this.output = '';
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    await waitFor(() => this.output.includes('Hostwright agent listening on') || this.child.exitCode !== null, `agent ${this.name} to listen`);
    if (this.child.exitCode !== null) throw new Error(`agent ${this.name} exited: ${this.output}`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const pid = this.child.pid!;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
    await waitFor(() => !processAlive(pid), `agent ${this.name} to die`);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.child = FleetAgent.spawn(this.env, join(this.rootDir, '..'));
    await this.listening();
  }
}
