import { CertificateRequest, IssuedCertificate } from './certificates';
import { Plan } from './plan';

export const PLANS_PATH = '/v1/plans';
export const PREVIEW_PATH = '/v1/plans/preview';

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
  /** Runs the plan; `observe` hears how long each step took, whichever side ran it. */
  abstract execute(plan: Plan, observe?: StepObserver): Promise<void>;
  /** What the agent would write and run for this plan; changes nothing. */
  abstract preview(plan: Plan): Promise<PlanPreview>;
  /** Issues (the certificate installed) or removes (null) an account's certificate; a failed issue throws CertificateFailedError. */
  abstract certificate(request: CertificateRequest): Promise<IssuedCertificate | null>;
}
