import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountsModule } from './accounts/accounts.module';
import { DnsRecordsModule } from './dns/dns-records.module';
import { MailModule } from './mail/mail.module';
import { AuditModule } from './audit/audit.module';
import { HostingDatabasesModule } from './hosting-databases/hosting-databases.module';
import { CertificatesModule } from './certificates/certificates.module';
import { ScopesGuard, TokenAuthGuard } from './auth/auth.guards';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { ErrorsModule } from './common/errors/errors.module';
import { AppConfig } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { HealthModule } from './platform/observability/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LicenseGuard } from './license/license.guard';
import { LicenseModule } from './license/license.module';
import { ObservabilityModule } from './platform/observability/observability.module';
import { PackagesModule } from './packages/packages.module';
import { OpteriusModule } from './dialects/opterius/opterius.module';
import { PleskModule } from './dialects/plesk/plesk.module';
import { PleskXmlModule } from './dialects/plesk-xml/plesk-xml.module';
import { AgentConnectionModule } from './provisioning/agent-connection.module';
import { ProvisioningModule } from './provisioning/provisioning.module';
import { RateLimitModule } from './platform/http/rate-limit/rate-limit.module';
import { TokenThrottlerGuard } from './platform/http/rate-limit/token-throttler.guard';
import { ServerStatsModule } from './servers/server-stats.module';
import { ServersModule } from './servers/servers.module';
import { UsageModule } from './usage/usage.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** Feature modules, in the order their routes should appear. */
export const FEATURE_MODULES = [
  HealthModule,
  AuthModule,
  LicenseModule,
  PackagesModule,
  ProvisioningModule,
  ClientsModule,
  AccountsModule,
  HostingDatabasesModule,
  DnsRecordsModule,
  MailModule,
  CertificatesModule,
  IdempotencyModule,
  AuditModule,
  ServerStatsModule,
  ServersModule,
  UsageModule,
  WebhooksModule,
  PleskModule,
  PleskXmlModule,
  OpteriusModule,
];

/**
 * Every route passes these, in this order: the token (401), its scopes (403), a licence that
 * allows writes (403 license_required), then the per-token rate limit (429), which counts the
 * token the first guard found. Registered only here, so module import order does not matter.
 */
const GLOBAL_GUARDS = [TokenAuthGuard, ScopesGuard, LicenseGuard, TokenThrottlerGuard];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        ErrorsModule,
        ScheduleModule.forRoot(),
        AgentConnectionModule.forRoot(config),
        ...FEATURE_MODULES,
        ObservabilityModule,
        RateLimitModule,
      ],
      providers: GLOBAL_GUARDS.map((guard) => ({ provide: APP_GUARD, useClass: guard })),
    };
  }
}
