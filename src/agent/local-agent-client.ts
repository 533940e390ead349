import { Plan } from '../agent-protocol/plan';
import { AgentClient, PlanPreview, StepObserver } from '../agent-protocol/agent-client';
import { PlanExecutor } from './plan-executor';
import { PlanPreviewer } from './plan-preview';
import { DiskMeasurement, DiskQuery, TrafficQuery, TrafficRead } from '../agent-protocol/usage';
import { UsageMeter } from './usage-meter';

/** The agent in the panel's own process: the same executor the daemon runs. */
export class LocalAgentClient extends AgentClient {
  constructor(
    private readonly executor: PlanExecutor,
    private readonly previewer: PlanPreviewer,
    private readonly meter: UsageMeter,
  ) {
    super();
  }

  execute(plan: Plan, observe?: StepObserver): Promise<void> {
    return this.executor.execute(plan, observe);
  }

  async preview(plan: Plan): Promise<PlanPreview> {
    return this.previewer.preview(plan);
  }

  measureDisk(accounts: DiskQuery[]): Promise<DiskMeasurement[]> {
    return this.meter.measureDisk(accounts);
  }

  readTraffic(domains: TrafficQuery[]): Promise<TrafficRead[]> {
    return this.meter.readTraffic(domains);
  }
}
