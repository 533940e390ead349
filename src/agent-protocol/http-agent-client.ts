import { request } from 'node:http';
import { UnsafeValueError } from './safe-values';
import { AgentClient, AgentHealth, HEALTH_PATH, PLANS_PATH, PlanPreview, PREVIEW_PATH, StepObserver, StepTiming } from './agent-client';
import { AgentUnreachableError, RemovalIncompleteError, StalePlanError, StepFailedError } from './agent-errors';
import { signatureHeaders } from './hmac';
import { DATABASES_PATH, DatabaseOp, DatabaseOpError } from './database-ops';
import { Plan } from './plan';
import { DNS_PATH, DnsAnswer, DnsChange, DnsRefusedError } from './dns-change';
import { PlanSecrets } from './plan-secrets';
import { DISK_USAGE_PATH, DiskMeasurement, DiskQuery, TRAFFIC_USAGE_PATH, TrafficQuery, TrafficRead } from './usage';
import { CERTIFICATES_PATH, CertificateFailedError, CertificateRequest, IssuedCertificate } from './certificates';

const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET_BEFORE_SEND']);

/** Sends each plan to the agent daemon, signed with HMAC-SHA256, and maps its answer back to the same errors. */
export class HttpAgentClient extends AgentClient {
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
    private readonly timeoutMs = 120_000,
  ) {
    super();
  }

  async execute(plan: Plan, observe?: StepObserver, secrets?: PlanSecrets): Promise<void> {
    // The secrets ride in the signed body, beside the plan's members; the agent takes them out before anything sees the plan.
    const body = JSON.stringify(secrets && Object.keys(secrets).length ? { ...plan, secrets } : plan);
    const { status, text } = await this.post(PLANS_PATH, body);
    const answer = parseAnswer(text);
    if (observe) for (const timing of stepTimings(answer.steps)) observe(timing);
    if (status === 204 || status === 200) return;
    if (status === 400 && answer.error === 'invalid_plan') throw new UnsafeValueError(String(answer.field ?? 'plan'), String(answer.message ?? 'is invalid'));
    if (status === 500 && answer.error === 'step_failed') throw new StepFailedError(String(answer.step), toStrings(answer.undo_failed));
    if (status === 500 && answer.error === 'removal_incomplete') throw new RemovalIncompleteError(toStrings(answer.failed_steps));
    if (status === 409 && answer.error === 'stale_plan') throw new StalePlanError(String(answer.message ?? 'the agent refused a stale plan'));
    if (status === 401) throw new AgentUnreachableError('the agent refused the request signature', false);
    throw new AgentUnreachableError(`the agent answered ${status}`, true);
  }

  async preview(plan: Plan): Promise<PlanPreview> {
    const { status, text } = await this.post(PREVIEW_PATH, JSON.stringify(plan));
    const answer = parseAnswer(text);
    if (status === 200) return answer as unknown as PlanPreview;
    if (status === 400 && answer.error === 'invalid_plan') throw new UnsafeValueError(String(answer.field ?? 'plan'), String(answer.message ?? 'is invalid'));
    throw new AgentUnreachableError(`the agent answered ${status}`, false);
  }

  async databases(op: DatabaseOp): Promise<void> {
    const { status, text } = await this.post(DATABASES_PATH, JSON.stringify(op));
    const answer = parseAnswer(text);
    if (status === 200) return;
    const message = String(answer.message ?? `the agent answered ${status}`);
    if (status === 400 && answer.error === 'invalid_plan') throw new UnsafeValueError(String(answer.field ?? 'op'), String(answer.message ?? 'is invalid'));
    if (status === 409 && answer.error === 'database_exists') throw new DatabaseOpError('exists', message);
    if (status === 503 && answer.error === 'databases_unconfigured') throw new DatabaseOpError('unconfigured', message);
    if (status === 500 && answer.error === 'database_failed') throw new DatabaseOpError('failed', message);
    if (status === 401) throw new AgentUnreachableError('the agent refused the request signature', false);
    throw new AgentUnreachableError(`the agent answered ${status}`, true);
  }

  async certificate(request: CertificateRequest): Promise<IssuedCertificate | null> {
    const { status, text } = await this.post(CERTIFICATES_PATH, JSON.stringify(request));
    const answer = parseAnswer(text);
    if (status === 200) return (answer.certificate ?? null) as IssuedCertificate | null;
    if (status === 422 && answer.error === 'certificate_failed') throw new CertificateFailedError(String(answer.reason ?? 'the issuance failed'));
    if (status === 400) throw new UnsafeValueError(String(answer.field ?? 'request'), String(answer.message ?? 'is invalid'));
    if (status === 401) throw new AgentUnreachableError('the agent refused the request signature', false);
    throw new AgentUnreachableError(`the agent answered ${status}`, true);
  }

  async dns(change: DnsChange): Promise<DnsAnswer> {
    const { status, text } = await this.post(DNS_PATH, JSON.stringify(change));
    const answer = parseAnswer(text);
    if (status === 200) return answer as unknown as DnsAnswer;
    if (status === 400 && answer.error === 'invalid_plan') throw new UnsafeValueError(String(answer.field ?? 'change'), String(answer.message ?? 'is invalid'));
    if ([404, 409, 422].includes(status) && answer.error === 'dns_refused') {
      const problems = Array.isArray(answer.problems)
        ? answer.problems.map((p: { field?: unknown; message?: unknown }) => ({ field: String(p.field), message: String(p.message) }))
        : [];
      throw new DnsRefusedError(status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'invalid', String(answer.message ?? 'refused'), problems);
    }
    if (status === 401) throw new AgentUnreachableError('the agent refused the request signature', false);
    throw new AgentUnreachableError(`the agent answered ${status}`, status >= 500);
  }

  async health(): Promise<AgentHealth> {
    const { status, text } = await this.send('GET', HEALTH_PATH, '');
    const answer = parseAnswer(text);
    if (status === 200 && typeof answer.version === 'string') return { version: answer.version.slice(0, 64) };
    if (status === 401) throw new AgentUnreachableError('the agent refused the request signature', false);
    throw new AgentUnreachableError(`the agent answered ${status}`, false);
  }

  measureDisk(accounts: DiskQuery[]): Promise<DiskMeasurement[]> {
    return this.usage<DiskMeasurement>(DISK_USAGE_PATH, accounts);
  }

  readTraffic(domains: TrafficQuery[]): Promise<TrafficRead[]> {
    return this.usage<TrafficRead>(TRAFFIC_USAGE_PATH, domains);
  }

  /** A usage read changes nothing the panel keeps, so any failure may simply be retried next run. */
  private async usage<T>(path: string, items: unknown[]): Promise<T[]> {
    const { status, text } = await this.post(path, JSON.stringify(items));
    const answer = parseAnswer(text);
    if (status === 200 && Array.isArray(answer.results)) return answer.results as T[];
    if (status === 400 && answer.error === 'invalid_plan') throw new UnsafeValueError(String(answer.field ?? 'usage'), String(answer.message ?? 'is invalid'));
    throw new AgentUnreachableError(`the agent answered ${status}`, false);
  }

  private post(path: string, body: string): Promise<{ status: number; text: string }> {
    return this.send('POST', path, body);
  }

  private send(method: 'GET' | 'POST', path: string, body: string): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.baseUrl);
    const headers = {
      ...(method === 'POST' ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...signatureHeaders(this.secret, method, url.pathname, body),
    };
    return new Promise((resolve, reject) => {
      let sent = false;
      const req = request(url, { method, headers, timeout: method === 'GET' ? Math.min(this.timeoutMs, 10_000) : this.timeoutMs, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => reject(new AgentUnreachableError(error.message, true)));
      });
      req.on('socket', (socket) => socket.once('connect', () => (sent = true)));
      req.on('timeout', () => req.destroy(new Error('agent request timed out')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(new AgentUnreachableError(error.message, sent && !NOT_DELIVERED.has(error.code ?? '')));
      });
      req.end(method === 'POST' ? body : undefined);
    });
  }
}

function stepTimings(value: unknown): StepTiming[] {
  if (!Array.isArray(value)) return [];
  return value.filter((t): t is StepTiming => typeof t?.step === 'string' && typeof t.seconds === 'number' && typeof t.ok === 'boolean');
}

function toStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function parseAnswer(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {}; // not JSON (or 204): the status decides
  }
}
