import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { ErrorsModule } from './common/errors/errors.module';
import { AppConfig } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { HealthModule } from './platform/observability/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LicenseModule } from './license/license.module';
import { ObservabilityModule } from './platform/observability/observability.module';
import { PackagesModule } from './packages/packages.module';
import { PleskModule } from './dialects/plesk/plesk.module';
import { AgentConnectionModule } from './provisioning/agent-connection.module';
import { ProvisioningModule } from './provisioning/provisioning.module';
import { RateLimitModule } from './platform/http/rate-limit/rate-limit.module';
import { ServerStatsModule } from './servers/server-stats.module';

/** Feature modules, in the order their routes should appear. */
export const FEATURE_MODULES = [HealthModule, AuthModule, LicenseModule, PackagesModule, ProvisioningModule, ClientsModule, AccountsModule, IdempotencyModule, AuditModule, ServerStatsModule, PleskModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ErrorsModule, ScheduleModule.forRoot(), AgentConnectionModule.forRoot(config), ...FEATURE_MODULES, ObservabilityModule, RateLimitModule],
    };
  }
}
