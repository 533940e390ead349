import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { AuthModule } from '../../auth/auth.module';
import { ClientsModule } from '../../clients/clients.module';
import { UsageModule } from '../../usage/usage.module';
import { PackagesModule } from '../../packages/packages.module';
import { BasicTokenStrategy } from './basic-token.strategy';
import { ResellerErrors, RestV2Errors } from './plesk-errors';
import { PleskReferences } from './plesk-references';
import { ResellerClientsController } from './reseller-clients.controller';
import { ResellerOrdersController } from './reseller-orders.controller';
import { RestAuthKeysController } from './rest-auth.controller';
import { RestClientsController } from './rest-clients.controller';
import { RestDomainsController } from './rest-domains.controller';
import { RestServerController } from './rest-server.controller';

/**
 * The Plesk-compatible adapter: 0xhost's reseller API under /API and Plesk REST v2 under
 * /api/v2. Controllers and mapping only — the clients, accounts, client lifecycle, packages and
 * tokens services do the work, so a client is the same row, with the same rules, in every dialect.
 */
@Module({
  imports: [AuthModule, ClientsModule, AccountsModule, PackagesModule, UsageModule],
  controllers: [ResellerClientsController, ResellerOrdersController, RestAuthKeysController, RestClientsController, RestDomainsController, RestServerController],
  // Each dialect's error shape, found by the global exception filter: unknown routes under /API and /api/v2 answer in it too.
  providers: [PleskReferences, BasicTokenStrategy, ResellerErrors, RestV2Errors],
})
export class PleskModule {}
