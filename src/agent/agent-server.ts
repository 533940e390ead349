import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { UnsafeValueError } from '../agent-protocol/safe-values';
import { PLANS_PATH, PREVIEW_PATH, StepTiming } from '../agent-protocol/agent-client';
import { RemovalIncompleteError, StalePlanError, StepFailedError } from '../agent-protocol/agent-errors';
import { FileNonceStore, SignatureVerifier } from '../agent-protocol/hmac';
import { PlanExecutor } from './plan-executor';
import { PlanPreviewer } from './plan-preview';
import { CertificateOperations } from './certificates/certificate-operations';
import { CERTIFICATES_PATH, CertificateFailedError } from '../agent-protocol/certificates';

const BODY_LIMIT = 64 * 1024;

/**
 * The agent as a daemon: `POST /v1/plans` (HMAC-signed, see hmac.ts) runs a plan with the same
 * executor the panel uses in-process and answers 200 with the step timings; `POST /v1/plans/preview`
 * answers what a create would make; `GET /health` answers unsigned. Plain HTTP on loopback. A
 * replayed nonce gets 401 (also after a restart); an expired or stale plan (PlanLedger) 409.
 */
@Injectable()
export class AgentServer implements OnModuleDestroy {
  private readonly logger = new Logger('AgentServer');
  private server: Server | null = null;

  constructor(
    private readonly executor: PlanExecutor,
    private readonly previewer: PlanPreviewer,
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
    if (req.method !== 'POST' || (path !== PLANS_PATH && path !== PREVIEW_PATH && path !== CERTIFICATES_PATH)) return reply(res, 404, { error: 'not_found' });
    const body = await readBody(req).catch(() => null);
    if (body === null) {
      // Answer before the rest arrives, then hang up: the client reads a 413, not a reset.
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: 'payload_too_large' }), () => req.destroy());
      return;
    }
    if (!verifier.verify(req.method, path, req.headers, body)) return reply(res, 401, { error: 'unauthenticated' });
    let plan: unknown;
    try {
      plan = JSON.parse(body);
    } catch {
      return reply(res, 400, { error: 'invalid_plan', field: 'plan', message: 'is not JSON' });
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
      await this.executor.execute(plan, (timing) => steps.push(timing));
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
