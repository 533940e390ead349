import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { TokensService } from '../../src/auth/tokens.service';
import { AppConfig, loadConfig } from '../../src/platform/config/app-config';
import { configureApp } from '../../src/platform/http/configure-app';
import { createFastifyAdapter } from '../../src/platform/http/fastify-adapter';
import { TestLicenseVendor } from './licenses';
import { createTestDatabase, TestDatabase } from './test-database';

/** Signs the default test licence: an unlimited plan, so feature tests are not held to the free 5 accounts. */
const testVendor = new TestLicenseVendor();

export interface TestAppOptions {
  /** Extra environment for loadConfig (HW_… variables). */
  env?: Record<string, string>;
  /** Swap providers, e.g. to inject a fault into a provisioning step. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Reuse a database (a restart test); a fresh one otherwise. */
  database?: TestDatabase;
  /** Reuse a data dir (restart tests). */
  dataDir?: string;
  /**
   * 'unlimited' (the default, unless env sets HW_LICENSE_PUBLIC_KEY): a valid licence with no
   * account limit is installed. 'none': no key, no licence file — the free plan.
   */
  license?: 'unlimited' | 'none';
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as-is, for malformed or oversize bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

export class TestApp {
  constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly database: TestDatabase,
    /** A `*` token; pass `token: null` to call without one. */
    readonly adminToken: string,
  ) {}

  get<T>(type: abstract new (...args: never[]) => T): T {
    return this.app.get(type as never) as T;
  }

  /** Calls the app over a real loopback TCP connection, as a client would. */
  async call(method: string, url: string, options: CallOptions = {}): Promise<CallResult> {
    const token = options.token === undefined ? this.adminToken : options.token;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (token) headers.authorization ??= `Bearer ${token}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await httpCall(this.port, method, url, headers, payload);
    let body: unknown;
    try {
      body = response.text ? JSON.parse(response.text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text: response.text, headers: response.headers };
  }

  /** The loopback port the app listens on. */
  get port(): number {
    return (this.app.getHttpServer().address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async createToken(scopes: string[], name = 'test'): Promise<string> {
    return (await this.get(TokensService).create({ name, scopes })).secret;
  }

  /** Closes the app; drops the database unless `keepDatabase` (restart tests). */
  async close(keepDatabase = false): Promise<void> {
    await this.app.close();
    if (!keepDatabase) {
      await this.database.drop();
      rmSync(this.config.dataDir, { recursive: true, force: true });
    }
  }
}

const keepAlive = new Agent({ keepAlive: true });

function httpCall(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  payload?: string,
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const REPO_ROOT = resolve(__dirname, '../../..');

/** Starts the real app on a fresh database and a temp data/root dir. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hw-data-'));
  const unlimited = (options.license ?? (options.env?.HW_LICENSE_PUBLIC_KEY ? 'none' : 'unlimited')) === 'unlimited';
  if (unlimited && !existsSync(join(dataDir, 'license.json'))) {
    writeFileSync(join(dataDir, 'license.json'), testVendor.issue({ plan: 'test', max_accounts: 0, expires_at: '2099-12-31T23:59:59Z' }));
  }
  const config = loadConfig({
    HW_DATA_DIR: dataDir,
    HW_ROOT_DIR: join(dataDir, 'root'),
    HW_TEMPLATES_DIR: join(REPO_ROOT, 'templates'),
    HW_LOG_LEVEL: 'silent',
    ...(unlimited ? testVendor.env : {}),
    ...(options.env ?? {}),
  });
  config.database = database.config;
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(undefined, 'silent', config.requestTimeoutSeconds), {
    logger: false,
    rawBody: true,
  });
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const adminToken = (await app.get(TokensService).create({ name: 'test-admin', scopes: ['*'] })).secret;
  return new TestApp(app, config, database, adminToken);
}
