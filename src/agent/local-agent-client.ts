import { Plan } from '../agent-protocol/plan';
import { AgentClient, PlanPreview, StepObserver } from '../agent-protocol/agent-client';
import { PlanExecutor } from './plan-executor';
import { PlanPreviewer } from './plan-preview';
import { CertificateOperations } from './certificates/certificate-operations';
import { CertificateRequest, IssuedCertificate } from '../agent-protocol/certificates';

/** The agent in the panel's own process: the same executor the daemon runs. */
export class LocalAgentClient extends AgentClient {
  constructor(
    private readonly executor: PlanExecutor,
    private readonly previewer: PlanPreviewer,
    private readonly certificates: CertificateOperations,
  ) {
    super();
  }

  execute(plan: Plan, observe?: StepObserver): Promise<void> {
    return this.executor.execute(plan, observe);
  }

  async preview(plan: Plan): Promise<PlanPreview> {
    return this.previewer.preview(plan);
  }

  certificate(request: CertificateRequest): Promise<IssuedCertificate | null> {
    return this.certificates.run(request);
  }
}
