import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { ClientsModule } from '../../clients/clients.module';
import { PackagesModule } from '../../packages/packages.module';
import { UsageModule } from '../../usage/usage.module';
import { OpteriusErrors } from './opterius-errors';
import { OpteriusOwners } from './opterius-owners';
import { OpteriusPackageList } from './opterius-package-list';
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
  providers: [OpteriusOwners, OpteriusErrors, OpteriusPackageList],
})
export class OpteriusModule {}
