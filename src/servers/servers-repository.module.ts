import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServerDirectory } from './server-directory';
import { Server } from './server.entity';
import { ServerPlacement } from './server-placement';
import { ServersRepository } from './servers.repository';

/** The servers table and what reads it below the servers API: placement (accounts), the directory (views, agent clients). */
@Module({
  imports: [TypeOrmModule.forFeature([Server])],
  providers: [ServersRepository, ServerDirectory, ServerPlacement],
  exports: [ServersRepository, ServerDirectory, ServerPlacement],
})
export class ServersRepositoryModule {}
