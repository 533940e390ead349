import { Plan } from '../agent-protocol/plan';
import { PlanSecrets } from '../agent-protocol/plan-secrets';
import { AgentClient, AgentHealth, PlanPreview, StepObserver } from '../agent-protocol/agent-client';
import { version } from '../../package.json';
import { DatabaseOp, parseDatabaseOp } from '../agent-protocol/database-ops';
import { PlanExecutor } from './plan-executor';
import { PlanPreviewer } from './plan-preview';
import { HostingDatabases } from './system/hosting-databases';
import { DnsAnswer, DnsChange, parseDnsChange } from '../agent-protocol/dns-change';
import { DnsRecordStore } from './system/dns-records';
import { DiskMeasurement, DiskQuery, TrafficQuery, TrafficRead } from '../agent-protocol/usage';
import { UsageMeter } from './usage-meter';
import { CertificateOperations } from './certificates/certificate-operations';
import { CertificateRequest, IssuedCertificate } from '../agent-protocol/certificates';

/** The agent in the panel's own process: the same executor the daemon runs. */
export class LocalAgentClient extends AgentClient {
  constructor(
    private readonly executor: PlanExecutor,
    private readonly previewer: PlanPreviewer,
    private readonly hostingDatabases: HostingDatabases,
    private readonly records: DnsRecordStore,
    private readonly meter: UsageMeter,
    private readonly certificates: CertificateOperations,
  ) {
    super();
  }

  execute(plan: Plan, observe?: StepObserver, secrets?: PlanSecrets): Promise<void> {
    return this.executor.execute(plan, observe, secrets);
  }

  async preview(plan: Plan): Promise<PlanPreview> {
    return this.previewer.preview(plan);
  }

  databases(op: DatabaseOp): Promise<void> {
    return this.hostingDatabases.run(parseDatabaseOp(op));
  }

  async dns(change: DnsChange): Promise<DnsAnswer> {
    return this.records.run(parseDnsChange(change));
  }

  measureDisk(accounts: DiskQuery[]): Promise<DiskMeasurement[]> {
    return this.meter.measureDisk(accounts);
  }

  readTraffic(domains: TrafficQuery[]): Promise<TrafficRead[]> {
    return this.meter.readTraffic(domains);
  }

  certificate(request: CertificateRequest): Promise<IssuedCertificate | null> {
    return this.certificates.run(request);
  }

  /** In this process: it answers whenever the panel does. */
  async health(): Promise<AgentHealth> {
    return { version };
  }
}
