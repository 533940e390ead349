import { Plan } from '../agent-protocol/plan';
import { PlanSecrets } from '../agent-protocol/plan-secrets';
import { AgentClient, PlanPreview, StepObserver } from '../agent-protocol/agent-client';
import { PlanExecutor } from './plan-executor';
import { PlanPreviewer } from './plan-preview';

/** The agent in the panel's own process: the same executor the daemon runs. */
export class LocalAgentClient extends AgentClient {
  constructor(
    private readonly executor: PlanExecutor,
    private readonly previewer: PlanPreviewer,
  ) {
    super();
  }

  execute(plan: Plan, observe?: StepObserver, secrets?: PlanSecrets): Promise<void> {
    return this.executor.execute(plan, observe, secrets);
  }

  async preview(plan: Plan): Promise<PlanPreview> {
    return this.previewer.preview(plan);
  }
}
