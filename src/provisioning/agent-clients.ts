import { Inject, Injectable } from '@nestjs/common';
import { AgentClient } from '../agent-protocol/agent-client';
import { AgentUnreachableError } from '../agent-protocol/agent-errors';
import { HttpAgentClient } from '../agent-protocol/http-agent-client';
import { PlanHost } from '../agent-protocol/plan-host';
import { SecretBox } from '../auth/signing/secret-box';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { ServerDirectory } from '../servers/server-directory';
import { addressesOf, OWN_SERVER_ID } from '../servers/server-addresses';
import { Server } from '../servers/server.entity';

/** A server's agent and the addresses its zones point at. */
export interface ServerAgent {
  serverId: number;
  agent: AgentClient;
  host: PlanHost;
}

/**
 * Every server's agent: server 1 without an agent_url is the connection AgentConnectionModule
 * chose; any other is an HttpAgentClient to its agent_url with its (sealed) secret, made once per
 * agent_url and secret. An account's every operation goes to its own server's agent, so a server
 * that does not answer fails only its own accounts.
 */
@Injectable()
export class AgentClients {
  private readonly clients = new Map<number, { version: string; agent: AgentClient }>();

  constructor(
    private readonly own: AgentClient,
    private readonly directory: ServerDirectory,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forServer(serverId: number): Promise<ServerAgent> {
    const server = await this.directory.get(serverId);
    if (!server) throw new AgentUnreachableError(`server ${serverId} is not in the servers table`, false);
    return { serverId, agent: this.agentOf(server), host: this.hostOf(server) };
  }

  private agentOf(server: Server): AgentClient {
    if (!server.agentUrl) {
      if (server.id === OWN_SERVER_ID) return this.own;
      throw new AgentUnreachableError(`server ${server.id} has no agent_url`, false);
    }
    // The row's agent columns themselves: updated_at has whole seconds only.
    const version = `${server.agentUrl}\n${server.agentSecretEnc}`;
    const known = this.clients.get(server.id);
    if (known && known.version === version) return known.agent;
    const secret = server.agentSecretEnc ? this.box.open(server.agentSecretEnc) : null;
    if (!secret) throw new AgentUnreachableError(`server ${server.id}'s agent secret cannot be opened with this panel's key (HW_SECRET_KEY_FILE)`, false);
    const agent = new HttpAgentClient(server.agentUrl, secret);
    this.clients.set(server.id, { version, agent });
    return agent;
  }

  private hostOf(server: Server): PlanHost {
    const { ipv4, ipv6, nameservers } = addressesOf(server, this.config.provisioning.serverIp);
    return {
      ...(ipv4 ? { ipv4 } : {}),
      ...(ipv6 ? { ipv6 } : {}),
      ...(nameservers.length ? { nameservers } : {}),
    };
  }
}
