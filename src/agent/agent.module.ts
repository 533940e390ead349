import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { DatabaseService } from '../platform/database/database.service';
import { AgentServer, agentStateDir } from './agent-server';
import { PlanLedger } from './plan-ledger';
import { LocalAgentClient } from './local-agent-client';
import { PlanExecutor, PROVISIONING_STEPS } from './plan-executor';
import { PlanPreviewer } from './plan-preview';
import { buildSteps, StepCatalog } from './steps';
import { DnsZoneStore } from './system/dns-zone';
import { DnsRecordStore } from './system/dns-records';
import { FileOps } from './system/file-ops';
import { HostingDatabases } from './system/hosting-databases';
import { MailDomainStore } from './system/mail-store';
import { ReloadCoalescer } from './system/reload-coalescer';
import { SystemUsers } from './system/system-users';
import { rootPrefix, TemplateRenderer } from './system/template-renderer';

/** The real steps over rootDir and the panel's database (tests wrap this to inject faults). */
export function createProvisioningSteps(
  config: AppConfig,
  db: DatabaseService,
  reloads: ReloadCoalescer,
  databases = new HostingDatabases(config.hostingDatabases),
): StepCatalog {
  const p = config.provisioning;
  const files = new FileOps(p.rootDir);
  return buildSteps({
    files,
    users: new SystemUsers(files),
    renderer: new TemplateRenderer(p.templatesDir, { root: rootPrefix(p.rootDir), listen: p.nginxListen, webGroup: p.webGroup }),
    dns: new DnsZoneStore(db),
    zone: { serverIp: p.serverIp, nameservers: p.nameservers },
    databases,
    mail: new MailDomainStore(db),
    reloads,
    webGroup: p.webGroup,
  });
}

/**
 * Everything that runs as root: the steps, the executor, reloads, the dry-run previewer, the
 * in-process client over them and the daemon's HTTP server. The panel imports this module only
 * when it runs the agent in its own process.
 */
@Module({
  providers: [
    {
      provide: ReloadCoalescer,
      inject: [APP_CONFIG],
      useFactory: ({ provisioning: p }: AppConfig) =>
        new ReloadCoalescer(
          { nginxTest: p.nginxTestCommand, nginxReload: p.nginxReloadCommand, phpFpmTest: p.phpFpmTestCommand, phpFpmReload: p.phpFpmReloadCommand },
          { wait: p.reloadWait ? { nginxPidFile: p.nginxPidFile, phpFpmPidFile: p.phpFpmPidFile, timeoutMs: p.reloadTimeoutSeconds * 1000 } : undefined },
        ),
    },
    {
      provide: PROVISIONING_STEPS,
      inject: [APP_CONFIG, DatabaseService, ReloadCoalescer, HostingDatabases],
      useFactory: createProvisioningSteps,
    },
    {
      provide: HostingDatabases,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new HostingDatabases(config.hostingDatabases),
    },
    { provide: PlanLedger, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new PlanLedger(agentStateDir(config)) },
    PlanExecutor,
    PlanPreviewer,
    { provide: DnsRecordStore, inject: [DatabaseService], useFactory: (db: DatabaseService) => new DnsRecordStore(db) },
    {
      provide: LocalAgentClient,
      inject: [PlanExecutor, PlanPreviewer, HostingDatabases, DnsRecordStore],
      useFactory: (e: PlanExecutor, p: PlanPreviewer, d: HostingDatabases, r: DnsRecordStore) => new LocalAgentClient(e, p, d, r),
    },
    AgentServer,
  ],
  exports: [LocalAgentClient, AgentServer, PlanExecutor, ReloadCoalescer, PROVISIONING_STEPS, HostingDatabases],
})
export class AgentModule {}
