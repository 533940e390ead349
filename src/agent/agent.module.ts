import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { DatabaseService } from '../platform/database/database.service';
import { AgentServer, agentStateDir } from './agent-server';
import { AcmeIssuer, acmeAccountKeyPath } from './certificates/acme-issuer';
import { CertificateOperations } from './certificates/certificate-operations';
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
import { detectQuotaSupport, UserQuotas } from './system/user-quotas';
import { UsageMeter } from './usage-meter';

/** The agent's renderer: the operator's templates with the root prefix and listen settings. */
export function templateRendererFor(config: AppConfig): TemplateRenderer {
  const p = config.provisioning;
  return new TemplateRenderer(p.templatesDir, { root: rootPrefix(p.rootDir), listen: p.nginxListen, webGroup: p.webGroup, tlsListen: config.acme.tlsListen });
}

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
    renderer: templateRendererFor(config),
    dns: new DnsZoneStore(db),
    zone: { serverIp: p.serverIp, nameservers: p.nameservers },
    databases,
    mail: new MailDomainStore(db),
    reloads,
    webGroup: p.webGroup,
  });
}

/** The usage operations over rootDir; quotas only where the filesystem under the homes enforces them. */
export function createUsageMeter(config: AppConfig, databases: HostingDatabases): UsageMeter {
  const files = new FileOps(config.provisioning.rootDir);
  const support = detectQuotaSupport(files.path('/home'));
  new Logger('Usage').log(`disk quotas: ${support.supported ? 'enforced' : 'not enforced'} (${support.reason})`);
  return new UsageMeter(files, databases, new UserQuotas(support));
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
    {
      provide: CertificateOperations,
      inject: [APP_CONFIG, ReloadCoalescer],
      useFactory: (config: AppConfig, reloads: ReloadCoalescer) =>
        new CertificateOperations(
          new FileOps(config.provisioning.rootDir),
          templateRendererFor(config),
          reloads,
          new AcmeIssuer(config.acme, acmeAccountKeyPath(config)),
          config.acme.fallback,
        ),
    },
    { provide: PlanLedger, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new PlanLedger(agentStateDir(config)) },
    PlanExecutor,
    PlanPreviewer,
    { provide: DnsRecordStore, inject: [DatabaseService], useFactory: (db: DatabaseService) => new DnsRecordStore(db) },
    { provide: UsageMeter, inject: [APP_CONFIG, HostingDatabases], useFactory: createUsageMeter },
    {
      provide: LocalAgentClient,
      inject: [PlanExecutor, PlanPreviewer, HostingDatabases, DnsRecordStore, UsageMeter, CertificateOperations],
      useFactory: (e: PlanExecutor, p: PlanPreviewer, d: HostingDatabases, r: DnsRecordStore, m: UsageMeter, c: CertificateOperations) =>
        new LocalAgentClient(e, p, d, r, m, c),
    },
    AgentServer,
  ],
  exports: [LocalAgentClient, AgentServer, PlanExecutor, ReloadCoalescer, PROVISIONING_STEPS, HostingDatabases, UsageMeter, CertificateOperations],
})
export class AgentModule {}
