import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LicenseModule } from './license/license.module';
import { ObservabilityModule } from './observability/observability.module';
import { PackagesModule } from './packages/packages.module';
import { PleskModule } from './plesk/plesk.module';
import { ProvisioningModule } from './provisioning/provisioning.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ServerStatsModule } from './server-stats/server-stats.module';

/** Feature modules, in the order their routes should appear. */
export const FEATURE_MODULES = [HealthModule, AuthModule, LicenseModule, PackagesModule, ProvisioningModule, ClientsModule, AccountsModule, IdempotencyModule, AuditModule, ServerStatsModule, PleskModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ScheduleModule.forRoot(), ...FEATURE_MODULES, ObservabilityModule, RateLimitModule],
    };
  }
}
