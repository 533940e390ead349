import { Module } from '@nestjs/common';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { LicenseModule } from '../license/license.module';
import { ServerStatsController } from './server-stats.controller';
import { ServerStatsService } from './server-stats.service';

@Module({ imports: [AccountsRepositoryModule, LicenseModule], controllers: [ServerStatsController], providers: [ServerStatsService], exports: [ServerStatsService] })
export class ServerStatsModule {}
