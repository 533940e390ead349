import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { UnsafeValueError } from '../agent-protocol/safe-values';
import { HEALTH_PATH, PLANS_PATH, PREVIEW_PATH, StepTiming } from '../agent-protocol/agent-client';
import { version } from '../../package.json';
import { RemovalIncompleteError, StalePlanError, StepFailedError } from '../agent-protocol/agent-errors';
import { FileNonceStore, SignatureVerifier } from '../agent-protocol/hmac';
import { PlanExecutor } from './plan-executor';
import { parseSecrets, PlanSecrets } from '../agent-protocol/plan-secrets';
import { PlanPreviewer } from './plan-preview';
import { DATABASES_PATH, DatabaseOpError, parseDatabaseOp } from '../agent-protocol/database-ops';
import { HostingDatabases } from './system/hosting-databases';
import { DNS_PATH, DnsRefusedError, parseDnsChange } from '../agent-protocol/dns-change';
import { DnsRecordStore } from './system/dns-records';
import { DISK_USAGE_PATH, TRAFFIC_USAGE_PATH } from '../agent-protocol/usage';
import { UsageMeter } from './usage-meter';
import { CertificateOperations } from './certificates/certificate-operations';
import { CERTIFICATES_PATH, CertificateFailedError } from '../agent-protocol/certificates';

const BODY_LIMIT = 64 * 1024;
/** Every signed route and its method. */
const SIGNED_PATHS = new Map([
  [PLANS_PATH, 'POST'],
  [PREVIEW_PATH, 'POST'],
  [DATABASES_PATH, 'POST'],
  [DNS_PATH, 'POST'],
  [DISK_USAGE_PATH, 'POST'],
  [TRAFFIC_USAGE_PATH, 'POST'],
  [CERTIFICATES_PATH, 'POST'],
  [HEALTH_PATH, 'GET'],
]);

/**
 * The agent as a daemon: `POST /v1/plans` (HMAC-signed, see hmac.ts) runs a plan with the same
 * executor the panel uses in-process and answers 200 with the step timings; `POST /v1/plans/preview`
 * answers what a create would make; `POST /v1/dns` lists or changes an account's records (signed
 * the same way; refusals 404/409/422); `POST /v1/usage/disk` and `/v1/usage/traffic` (signed the same
 * way) measure accounts and read access logs for the panel's usage jobs; `GET /v1/health` (signed) answers
 * the agent's version to the panel's health probe; `GET /health` answers unsigned. Plain HTTP on loopback. A
 * replayed nonce gets 401 (also after a restart); an expired or stale plan (PlanLedger) 409.
 */
@Injectable()
export class AgentServer implements OnModuleDestroy {
  private readonly logger = new Logger('AgentServer');
  private server: Server | null = null;

  constructor(
    private readonly executor: PlanExecutor,
    private readonly previewer: PlanPreviewer,
    private readonly hostingDatabases: HostingDatabases,
    private readonly records: DnsRecordStore,
    private readonly meter: UsageMeter,
    private readonly certificates: CertificateOperations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listen(host = this.config.agent.listenHost, port = this.config.agent.listenPort): Promise<AddressInfo> {
    const secret = this.config.agent.secret;
    if (!secret) throw new Error('HW_AGENT_SECRET must be set to run the agent');
    // Seen nonces live in the agent's data dir: a request captured before a restart is still refused after it.
    const verifier = new SignatureVerifier(secret, Date.now, undefined, new FileNonceStore(join(agentStateDir(this.config), 'nonces.log')));
    const server = createServer((req, res) => void this.handle(req, res, verifier));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse, verifier: SignatureVerifier): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return reply(res, 200, { status: 'ok' });
    if (!SIGNED_PATHS.has(path) || req.method !== SIGNED_PATHS.get(path)) return reply(res, 404, { error: 'not_found' });
    const body = await readBody(req).catch(() => null);
    if (body === null) {
      // Answer before the rest arrives, then hang up: the client reads a 413, not a reset.
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: 'payload_too_large' }), () => req.destroy());
      return;
    }
    if (!verifier.verify(req.method ?? '', path, req.headers, body)) return reply(res, 401, { error: 'unauthenticated' });
    if (path === HEALTH_PATH) return reply(res, 200, { version });
    let plan: unknown;
    let secrets: PlanSecrets = {};
    try {
      plan = JSON.parse(body);
    } catch {
      return reply(res, 400, { error: 'invalid_plan', field: 'plan', message: 'is not JSON' });
    }
    if (plan !== null && typeof plan === 'object' && 'secrets' in plan) {
      const { secrets: raw, ...rest } = plan as Record<string, unknown>;
      plan = rest;
      try {
        secrets = parseSecrets(raw);
      } catch (error) {
        if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_plan', field: error.field, message: error.message });
        throw error;
      }
    }
    if (path === DATABASES_PATH) return this.database(res, plan);
    if (path === DNS_PATH) return this.dns(res, plan);
    if (path === DISK_USAGE_PATH || path === TRAFFIC_USAGE_PATH) {
      try {
        const results = path === DISK_USAGE_PATH ? await this.meter.measureDisk(plan) : await this.meter.readTraffic(plan);
        return reply(res, 200, { results });
      } catch (error) {
        if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_plan', field: error.field, message: error.message });
        this.logger.error(`usage read failed: ${error instanceof Error ? error.message : String(error)}`);
        return reply(res, 500, { error: 'internal_error' });
      }
    }
    if (path === CERTIFICATES_PATH) return this.certificate(res, plan);
    if (path === PREVIEW_PATH) {
      try {
        return reply(res, 200, this.previewer.preview(plan));
      } catch (error) {
        if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_plan', field: error.field, message: error.message });
        throw error;
      }
    }
    // Step timings travel back with every answer, so the panel's /metrics covers the daemon's steps too.
    const steps: StepTiming[] = [];
    try {
      await this.executor.execute(plan, (timing) => steps.push(timing), secrets);
      return reply(res, 200, { steps });
    } catch (error) {
      if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_plan', field: error.field, message: error.message });
      if (error instanceof StalePlanError) return reply(res, 409, { error: 'stale_plan', message: error.message });
      if (error instanceof StepFailedError) return reply(res, 500, { error: 'step_failed', step: error.step, undo_failed: error.undoFailed, steps });
      if (error instanceof RemovalIncompleteError) return reply(res, 500, { error: 'removal_incomplete', failed_steps: error.failedSteps, steps });
      this.logger.error(`plan failed: ${error instanceof Error ? error.message : String(error)}`);
      return reply(res, 500, { error: 'internal_error', steps });
    }
  }

  /** `POST /v1/databases`: one hosting-database operation; MariaDB's own message on failure (it never carries a password: only its hash is sent). */
  private async database(res: ServerResponse, input: unknown): Promise<void> {
    try {
      await this.hostingDatabases.run(parseDatabaseOp(input));
      return reply(res, 200, {});
    } catch (error) {
      if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_plan', field: error.field, message: error.message });
      if (error instanceof DatabaseOpError && error.kind === 'exists') return reply(res, 409, { error: 'database_exists', message: error.message });
      if (error instanceof DatabaseOpError && error.kind === 'unconfigured') return reply(res, 503, { error: 'databases_unconfigured', message: error.message });
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`database operation failed: ${message}`);
      return reply(res, 500, { error: 'database_failed', message });
    }
  }

  /** `POST /v1/dns`: one change of an account's records; a refusal answers 404, 409 or 422 with its reason. */
  private async dns(res: ServerResponse, input: unknown): Promise<void> {
    try {
      return reply(res, 200, await this.records.run(parseDnsChange(input)));
    } catch (error) {
      if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_plan', field: error.field, message: error.message });
      if (error instanceof DnsRefusedError) {
        const status = { not_found: 404, conflict: 409, invalid: 422 }[error.reason];
        return reply(res, status, { error: 'dns_refused', message: error.message, problems: error.problems });
      }
      this.logger.error(`DNS change failed: ${error instanceof Error ? error.message : String(error)}`);
      return reply(res, 500, { error: 'internal_error' });
    }
  }

  /** `POST /v1/certificates`: 200 with the installed certificate (null after a removal); 422 with the reason when the issuance failed. */
  private async certificate(res: ServerResponse, request: unknown): Promise<void> {
    try {
      return reply(res, 200, { certificate: await this.certificates.run(request) });
    } catch (error) {
      if (error instanceof UnsafeValueError) return reply(res, 400, { error: 'invalid_request', field: error.field, message: error.message });
      if (error instanceof CertificateFailedError) return reply(res, 422, { error: 'certificate_failed', reason: error.reason });
      this.logger.error(`certificate operation failed: ${error instanceof Error ? error.message : String(error)}`);
      return reply(res, 500, { error: 'internal_error' });
    }
  }
}

/** The agent's own state (seen nonces, plan generations): under its data dir, never in the panel's database. */
export function agentStateDir(config: AppConfig): string {
  return join(config.dataDir, 'agent');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The body, or null once it passes BODY_LIMIT (the rest is not kept). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        chunks.length = 0;
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
