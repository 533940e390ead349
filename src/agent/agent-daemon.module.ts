import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { ConfigModule } from '../platform/config/config.module';
import { DatabaseModule } from '../platform/database/database.module';
import { AgentModule } from './agent.module';

/** The agent process as `npm run agent` runs it: config, the database (DNS rows) and the agent. */
@Module({})
export class AgentDaemonModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AgentDaemonModule, imports: [ConfigModule.forRoot(config), DatabaseModule, AgentModule] };
  }
}
