import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { describeError } from '../agent-protocol/agent-errors';
import { nowToTheSecond } from '../common/whole-seconds';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { LeaseService } from '../platform/scheduling/lease.service';
import { AgentClients } from '../provisioning/agent-clients';
import { ServerDirectory } from './server-directory';
import { Server } from './server.entity';
import { ServersRepository } from './servers.repository';

export const PROBE_JOB = 'servers.probe';

/**
 * Every HW_SERVER_PROBE_SECONDS, on the instance holding the `servers.probe` lease: asks each
 * server's agent its signed GET /v1/health, all at once, and records up or down, the latency, the
 * version and when it was last seen. Placement passes over a server found down; its accounts are
 * still served (or refused 503) by what their own agent answers, whatever the probe said.
 */
@Injectable()
export class ServerHealthProbe implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ServerProbe');
  private running: Promise<boolean> | null = null;

  constructor(
    private readonly servers: ServersRepository,
    private readonly directory: ServerDirectory,
    private readonly agents: AgentClients,
    private readonly leases: LeaseService,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.servers.probeIntervalSeconds;
    if (seconds > 0) {
      this.registry.addInterval(
        PROBE_JOB,
        setInterval(() => void this.probe(), seconds * 1000),
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.registry.doesExist('interval', PROBE_JOB)) this.registry.deleteInterval(PROBE_JOB);
    await this.running;
  }

  /** One pass (joined when one is under way here); false when another instance holds the lease. */
  probe(): Promise<boolean> {
    this.running ??= this.leases
      .runExclusive(PROBE_JOB, Math.max(60, this.config.servers.probeIntervalSeconds * 2), () => this.pass())
      .then((r) => r.ran)
      .catch((error: unknown) => {
        this.logger.error(`probe pass failed: ${describeError(error)}`);
        return false;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    const servers = await this.servers.all();
    await Promise.all(servers.map((s) => this.probeOne(s)));
    this.directory.forget();
  }

  private async probeOne(server: Server): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      const { version } = await (await this.agents.forServer(server.id)).agent.health();
      const latencyMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      const now = nowToTheSecond();
      await this.servers.update(server.id, { healthStatus: 'up', latencyMs, agentVersion: version, healthError: null, lastSeenAt: now, probedAt: now });
    } catch (error) {
      if (server.healthStatus !== 'down') this.logger.warn(`server ${server.id} (${server.name}) is down: ${describeError(error)}`);
      await this.servers.update(server.id, { healthStatus: 'down', latencyMs: null, healthError: describeError(error).slice(0, 500), probedAt: nowToTheSecond() });
    }
  }
}
