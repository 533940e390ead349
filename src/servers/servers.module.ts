import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { ServerHealthProbe } from './server-health.probe';
import { ServersRepositoryModule } from './servers-repository.module';
import { ServersController } from './servers.controller';
import { ServersService } from './servers.service';

/** The fleet's servers: GET/POST/PATCH/DELETE /api/v1/servers and the health probe of their agents. */
@Module({
  imports: [ServersRepositoryModule, AuthModule, ProvisioningModule, SchedulingModule],
  controllers: [ServersController],
  providers: [ServersService, ServerHealthProbe],
  exports: [ServersService, ServerHealthProbe],
})
export class ServersModule {}
