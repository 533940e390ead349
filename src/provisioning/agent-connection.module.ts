import { DynamicModule, Module } from '@nestjs/common';
import { LocalAgentClient } from '../agent/local-agent-client';
import { AgentModule } from '../agent/agent.module';
import { AgentClient } from '../agent-protocol/agent-client';
import { HttpAgentClient } from '../agent-protocol/http-agent-client';
import { AppConfig } from '../platform/config/app-config';

/**
 * The panel's connection to its agent, chosen once at the root like the database connection:
 * the agent daemon over signed HTTP when HW_AGENT_URL is set (nothing privileged is built in
 * the panel), else the agent's own module in this process.
 */
@Module({})
export class AgentConnectionModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { url, secret } = config.agent;
    if (url && secret) {
      return { module: AgentConnectionModule, global: true, providers: [{ provide: AgentClient, useValue: new HttpAgentClient(url, secret) }], exports: [AgentClient] };
    }
    return {
      module: AgentConnectionModule,
      global: true,
      imports: [AgentModule],
      providers: [{ provide: AgentClient, useExisting: LocalAgentClient }],
      exports: [AgentClient],
    };
  }
}
