import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { AuthModule } from '../../auth/auth.module';
import { ClientsModule } from '../../clients/clients.module';
import { PackagesModule } from '../../packages/packages.module';
import { ServerStatsModule } from '../../servers/server-stats.module';
import { UsageModule } from '../../usage/usage.module';
import { PleskXmlAgentController } from './agent.controller';
import { AbsentObjectsOperator } from './operations/absent-objects.operators';
import { CustomerOperator } from './operations/customer.operator';
import { IpOperator, ServerOperator, ServicePlanOperator } from './operations/server.operators';
import { WebspaceOperator } from './operations/webspace.operator';
import { PleskXmlStrategy } from './xml-auth.strategy';
import { PleskXmlErrors } from './xml-errors';
import { XmlPacketService } from './xml-packet.service';

/**
 * The Plesk XML API (`/enterprise/control/agent.php`), what the WHMCS Plesk module and
 * FOSSBilling's Plesk managers speak. Parsing, the operation registry and shape mapping only: the
 * clients, accounts, client lifecycle and packages services do the work, as for every dialect.
 */
@Module({
  imports: [AuthModule, ClientsModule, AccountsModule, PackagesModule, ServerStatsModule, UsageModule],
  controllers: [PleskXmlAgentController],
  providers: [
    PleskXmlStrategy,
    PleskXmlErrors,
    XmlPacketService,
    CustomerOperator,
    WebspaceOperator,
    ServerOperator,
    IpOperator,
    ServicePlanOperator,
    AbsentObjectsOperator,
  ],
})
export class PleskXmlModule {}
