import { DatabaseOp } from './database-ops';
import { DnsAnswer, DnsChange } from './dns-change';
import { CertificateRequest, IssuedCertificate } from './certificates';
import { Plan } from './plan';
import { PlanSecrets } from './plan-secrets';
import { DiskMeasurement, DiskQuery, TrafficQuery, TrafficRead } from './usage';

export const PLANS_PATH = '/v1/plans';
export const PREVIEW_PATH = '/v1/plans/preview';
/** Signed GET: the agent's version; the panel's health probe of each server asks it. */
export const HEALTH_PATH = '/v1/health';

/** What the agent says of itself. */
export interface AgentHealth {
  version: string;
}

/** How long one step (apply or undo) took and whether it finished; the panel turns these into metrics. */
export interface StepTiming {
  step: string;
  seconds: number;
  ok: boolean;
}
export type StepObserver = (timing: StepTiming) => void;

/** What a create plan would write and run, without doing it (the dry run). */
export interface PlanPreview {
  steps: string[];
  files: string[];
  records: { name: string; type: string; content: string; ttl?: number; prio?: number | null }[];
  commands: string[][];
}

/** How the panel hands a plan to the agent: in-process by default, or over signed HTTP. */
export abstract class AgentClient {
  /** Runs the plan; `observe` hears how long each step took, whichever side ran it. `secrets` travel beside the plan (plan-secrets.ts). */
  abstract execute(plan: Plan, observe?: StepObserver, secrets?: PlanSecrets): Promise<void>;
  /** What the agent would write and run for this plan; changes nothing. */
  abstract preview(plan: Plan): Promise<PlanPreview>;
  /** One operation on the accounts' hosting databases (DatabaseOpError when the server refuses it). */
  abstract databases(op: DatabaseOp): Promise<void>;
  /** Lists or changes an account's DNS records (the agent owns the PowerDNS rows); refusals are DnsRefusedError. */
  abstract dns(change: DnsChange): Promise<DnsAnswer>;
  /** What each account occupies (home, maildir, databases); sets block quotas where the filesystem enforces them. */
  abstract measureDisk(accounts: DiskQuery[]): Promise<DiskMeasurement[]>;
  /** Bytes sent per domain and month since each cursor, from the access logs nginx writes. */
  abstract readTraffic(domains: TrafficQuery[]): Promise<TrafficRead[]>;
  /** Issues (the certificate installed) or removes (null) an account's certificate; a failed issue throws CertificateFailedError. */
  abstract certificate(request: CertificateRequest): Promise<IssuedCertificate | null>;
  /** The agent's version; throws AgentUnreachableError when it does not answer (or refuses the signature). */
  abstract health(): Promise<AgentHealth>;
}
