import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LicenseModule } from './license/license.module';
import { ObservabilityModule } from './observability/observability.module';
import { PackagesModule } from './packages/packages.module';
import { ProvisioningModule } from './provisioning/provisioning.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';

/** Feature modules, in the order their routes should appear. */
export const FEATURE_MODULES = [HealthModule, AuthModule, LicenseModule, PackagesModule, ProvisioningModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ScheduleModule.forRoot(), ...FEATURE_MODULES, ObservabilityModule, RateLimitModule],
    };
  }
}
