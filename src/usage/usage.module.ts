import { Module } from '@nestjs/common';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { PackagesModule } from '../packages/packages.module';
import { UsageController } from './usage.controller';
import { UsageService } from './usage.service';

@Module({ imports: [AccountsRepositoryModule, PackagesModule], controllers: [UsageController], providers: [UsageService], exports: [UsageService] })
export class UsageModule {}
