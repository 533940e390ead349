import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import { DnsZoneStore } from '../provisioning/dns-zone';
import { FileOps } from '../provisioning/file-ops';
import { HostingDatabases } from '../provisioning/hosting-databases';
import { ReloadCoalescer } from '../provisioning/reload-coalescer';
import { buildSteps, StepCatalog } from '../provisioning/steps';
import { SystemUsers } from '../provisioning/system-users';
import { rootPrefix, TemplateRenderer } from '../provisioning/template-renderer';
import { AgentClient, HttpAgentClient, LocalAgentClient } from './agent-client';
import { AgentServer } from './agent-server';
import { PlanExecutor, PROVISIONING_STEPS } from './plan-executor';

/** The real steps over rootDir and the panel's database (tests wrap this to inject faults). */
export function createProvisioningSteps(config: AppConfig, db: DatabaseService, reloads: ReloadCoalescer): StepCatalog {
  const p = config.provisioning;
  const files = new FileOps(p.rootDir);
  return buildSteps({
    files,
    users: new SystemUsers(files),
    renderer: new TemplateRenderer(p.templatesDir, { root: rootPrefix(p.rootDir), listen: p.nginxListen }),
    dns: new DnsZoneStore(db),
    zone: { serverIp: p.serverIp, nameservers: p.nameservers },
    databases: new HostingDatabases(db, config.database),
    reloads,
  });
}

/** The privileged side: steps, executor, reloads; the client the panel talks to it through; the daemon server. */
@Module({
  providers: [
    {
      provide: ReloadCoalescer,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ReloadCoalescer({
          nginxTest: config.provisioning.nginxTestCommand,
          nginxReload: config.provisioning.nginxReloadCommand,
          phpFpmReload: config.provisioning.phpFpmReloadCommand,
        }),
    },
    {
      provide: PROVISIONING_STEPS,
      inject: [APP_CONFIG, DatabaseService, ReloadCoalescer],
      useFactory: createProvisioningSteps,
    },
    PlanExecutor,
    {
      provide: AgentClient,
      inject: [APP_CONFIG, PlanExecutor],
      useFactory: (config: AppConfig, executor: PlanExecutor) =>
        config.agent.url && config.agent.secret ? new HttpAgentClient(config.agent.url, config.agent.secret) : new LocalAgentClient(executor),
    },
    AgentServer,
  ],
  exports: [AgentClient, AgentServer, PlanExecutor, ReloadCoalescer, PROVISIONING_STEPS],
})
export class AgentModule {}
