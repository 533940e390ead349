import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccountsModule } from '../../accounts/accounts.module';
import { ClientsModule } from '../../clients/clients.module';
import { PackagesModule } from '../../packages/packages.module';
import { UsageModule } from '../../usage/usage.module';
import { OpteriusErrors } from './opterius-errors';
import { OpteriusOwners } from './opterius-owners';
import { OpteriusPackagesInterceptor } from './opterius-packages.interceptor';
import { OpteriusController } from './opterius.controller';

/**
 * The Opterius-compatible adapter: the Panel's shipped verb API (`POST /api/v1/test`,
 * `POST /api/v1/accounts/<verb>`) and, for tokens made with `dialect: "opterius"`, its
 * `GET /api/v1/packages`. Controllers and mapping only. (Opterius Commerce needs no adapter: it
 * calls the native billing alias /api/accounts, see AccountsController.)
 */
@Module({
  imports: [AccountsModule, ClientsModule, PackagesModule, UsageModule],
  controllers: [OpteriusController],
  providers: [OpteriusOwners, OpteriusErrors, { provide: APP_INTERCEPTOR, useClass: OpteriusPackagesInterceptor }],
})
export class OpteriusModule {}
