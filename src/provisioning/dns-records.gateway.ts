import { Injectable } from '@nestjs/common';
import { AgentUnreachableError } from '../agent-protocol/agent-errors';
import { buildDnsChange, DnsAnswer, DnsChange, DnsRefusedError } from '../agent-protocol/dns-change';
import { UnsafeValueError } from '../agent-protocol/safe-values';
import { DomainError } from '../common/errors/domain-error';
import { AgentClients } from './agent-clients';

/** One DNS operation, without the zone (the gateway adds it from the account). */
export type ZoneChange = DnsChange extends infer C ? (C extends DnsChange ? Omit<C, 'zone' | 'expires_at'> : never) : never;

/** The panel's way to an account's zone: a DNS change sent to the agent, its refusals turned into 404, 409 and 422. */
@Injectable()
export class DnsRecordsGateway {
  constructor(private readonly agents: AgentClients) {}

  /** To the account's server's agent. */
  async send(account: { username: string; domain: string; serverId: number }, change: ZoneChange): Promise<DnsAnswer> {
    try {
      const checked = buildDnsChange({ ...change, zone: { domain: account.domain, username: account.username } } as DnsChange);
      return await (await this.agents.forServer(account.serverId)).agent.dns(checked);
    } catch (error) {
      throw toDomainError(error);
    }
  }
}

function toDomainError(error: unknown): unknown {
  if (error instanceof DnsRefusedError) {
    if (error.reason === 'not_found') return new DomainError('not_found', error.message);
    if (error.reason === 'conflict') return DomainError.conflict(error.message);
    return DomainError.validation(error.problems.length ? error.problems : [{ field: 'record', message: error.message }], error.message);
  }
  if (error instanceof UnsafeValueError) return DomainError.field(error.field, error.message);
  if (error instanceof AgentUnreachableError) {
    const message = error.maybeDelivered
      ? 'The provisioning agent stopped answering; the change may or may not have been made (list the records). Try again later.'
      : 'The provisioning agent is unreachable; the DNS records were not changed. Try again later.';
    return new DomainError('agent_unreachable', message, { retryAfterSeconds: 30 });
  }
  return error;
}
