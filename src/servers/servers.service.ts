import { isIPv4, isIPv6 } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { isDomainName } from '../agent-protocol/grammar/domains';
import { SecretBox } from '../auth/signing/secret-box';
import { DomainError, ErrorDetail } from '../common/errors/domain-error';
import { Page, PageQuery } from '../common/pagination';
import { nowToTheSecond } from '../common/whole-seconds';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { isUniqueViolation } from '../platform/database/database.service';
import { CreateServerDto, UpdateServerDto } from './dto/server.dto';
import { ServerView } from './dto/server.view';
import { addressesOf, OWN_SERVER_ID } from './server-addresses';
import { ServerDirectory } from './server-directory';
import { Server } from './server.entity';
import { ServersRepository } from './servers.repository';

/**
 * The fleet's servers: their agents (URL and sealed secret), addresses, capacity and state. A
 * server with accounts cannot be deleted; server 1 may be the panel's own agent (agent_url null).
 */
@Injectable()
export class ServersService {
  constructor(
    private readonly servers: ServersRepository,
    private readonly directory: ServerDirectory,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(query: PageQuery): Promise<Page<ServerView>> {
    const page = await this.servers.page(query, (s) => s);
    const counts = await this.servers.accountCounts(page.data.map((s) => s.id));
    return { data: page.data.map((s) => this.view(s, counts.get(s.id) ?? 0)), meta: page.meta };
  }

  async get(id: number): Promise<ServerView> {
    const server = await this.row(id);
    return this.view(server, (await this.servers.accountCounts([id])).get(id) ?? 0);
  }

  async create(input: CreateServerDto): Promise<ServerView> {
    const fields = this.checked(input, null);
    const now = nowToTheSecond();
    const server = await this.unique(input.name, () =>
      this.servers.insert({ state: 'online', healthStatus: 'unknown', nameservers: '[]', capacity: null, ...fields, createdAt: now, updatedAt: now }),
    );
    this.directory.forget();
    return this.view(server, 0);
  }

  async update(id: number, input: UpdateServerDto): Promise<ServerView> {
    const server = await this.row(id);
    const changes = this.checked(input, server);
    await this.unique(input.name ?? server.name, () => this.servers.update(id, { ...changes, updatedAt: nowToTheSecond() }));
    this.directory.forget();
    return this.get(id);
  }

  /** 409 while accounts are on it; server 1 only when another server is left to place accounts on. */
  async remove(id: number): Promise<void> {
    await this.row(id);
    if (id === OWN_SERVER_ID && (await this.servers.count()) < 2) throw DomainError.conflict('Server 1 is the only server; add another before deleting it');
    const outcome = await this.servers.deleteIfEmpty(id);
    if (outcome === 'missing') throw DomainError.notFound('Server');
    if (outcome === 'has_accounts') throw DomainError.conflict('The server still hosts accounts; move or delete them first (drain it meanwhile: state "draining")');
    this.directory.forget();
  }

  private async row(id: number): Promise<Server> {
    const server = await this.servers.findById(id);
    if (!server) throw DomainError.notFound('Server');
    return server;
  }

  private view(server: Server, accounts: number): ServerView {
    return ServerView.of(server, addressesOf(server, this.config.provisioning.serverIp), accounts);
  }

  /** The columns of a create (existing null) or a change, every field checked; 422 naming each bad one. */
  private checked(input: UpdateServerDto, existing: Server | null): Partial<Server> {
    const details: ErrorDetail[] = [];
    const problem = (field: string, message: string) => details.push({ field, message });
    const out: Partial<Server> = {};
    if (input.name !== undefined) out.name = input.name;
    if (input.agent_url !== undefined) {
      if (input.agent_url === null) {
        if ((existing?.id ?? 0) !== OWN_SERVER_ID) problem('agent_url', "agent_url is required (only server 1 may be the panel's own agent)");
        else out.agentUrl = null;
      } else {
        const url = agentUrlProblem(input.agent_url);
        if (url) problem('agent_url', url);
        else out.agentUrl = input.agent_url.replace(/\/+$/, '');
      }
    }
    if (input.agent_secret !== undefined) {
      if (input.agent_secret === null || input.agent_secret.length < 32) problem('agent_secret', 'agent_secret must be 32 to 500 characters');
      else out.agentSecretEnc = this.box.seal(input.agent_secret);
    }
    const urlAfter = out.agentUrl !== undefined ? out.agentUrl : (existing?.agentUrl ?? null);
    const secretAfter = out.agentSecretEnc ?? existing?.agentSecretEnc ?? null;
    if (urlAfter && !secretAfter && !details.some((d) => d.field === 'agent_secret')) problem('agent_secret', 'agent_secret is required with an agent_url');
    if (input.ipv4 !== undefined) {
      if (input.ipv4 !== null && !isIPv4(input.ipv4)) problem('ipv4', 'ipv4 must be an IPv4 address such as 203.0.113.12');
      else out.ipv4 = input.ipv4;
    }
    if (input.ipv6 !== undefined) {
      if (input.ipv6 !== null && (!isIPv6(input.ipv6) || input.ipv6.includes('%'))) problem('ipv6', 'ipv6 must be an IPv6 address such as 2001:db8::12');
      else out.ipv6 = input.ipv6;
    }
    if (input.nameservers !== undefined) {
      const list = (input.nameservers ?? []).map((ns) => ns.replace(/\.$/, '').toLowerCase());
      const bad = list.findIndex((ns) => !isDomainName(ns));
      if (bad >= 0) problem(`nameservers[${bad}]`, `nameservers[${bad}] must be a host name such as ns1.example.net`);
      else out.nameservers = JSON.stringify(list);
    }
    if (input.capacity !== undefined) out.capacity = input.capacity;
    if (input.state !== undefined) {
      if (input.state === null) problem('state', 'state must be one of online, offline, draining');
      else out.state = input.state;
    }
    if (details.length) throw DomainError.validation(details);
    return out;
  }

  private async unique<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.taken('name', `A server named ${name} already exists`);
      throw error;
    }
  }
}

/** http://host:port only: the agent speaks plain HTTP with signed requests (README: put it on a private network). */
function agentUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'agent_url must be a URL such as http://10.0.0.12:7443';
  }
  if (url.protocol !== 'http:') return 'agent_url must be an http:// URL (the agent speaks signed HTTP)';
  if (url.username || url.password || url.search || url.hash) return 'agent_url must hold no credentials, query or fragment';
  if (url.pathname !== '/' && url.pathname !== '') return "agent_url must be the agent's root, such as http://10.0.0.12:7443";
  return null;
}
