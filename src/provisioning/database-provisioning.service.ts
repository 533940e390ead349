import { Injectable, Logger } from '@nestjs/common';
import { AgentUnreachableError, describeError } from '../agent-protocol/agent-errors';
import { DatabaseOp, DatabaseOpError, parseDatabaseOp } from '../agent-protocol/database-ops';
import { UnsafeValueError } from '../agent-protocol/safe-values';
import { DomainError } from '../common/errors/domain-error';
import { AgentClients } from './agent-clients';
import { DatabaseProvisioner } from './provisioning.port';

/** The hosting-databases feature's provisioner: one checked operation to the agent, its failures as domain errors. */
@Injectable()
export class DatabaseProvisioningService extends DatabaseProvisioner {
  private readonly logger = new Logger('Provisioning');

  constructor(private readonly agents: AgentClients) {
    super();
  }

  async run(op: DatabaseOp, serverId: number): Promise<void> {
    try {
      // The agent's own check, run before sending: what it would refuse is a 422 here.
      const checked = parseDatabaseOp(op);
      await (await this.agents.forServer(serverId)).agent.databases(checked);
    } catch (error) {
      throw this.toDomainError(error, op);
    }
  }

  private toDomainError(error: unknown, op: DatabaseOp): DomainError {
    if (error instanceof DomainError) return error;
    if (error instanceof UnsafeValueError) return DomainError.field(error.field, error.message);
    if (error instanceof DatabaseOpError && error.kind === 'exists') return DomainError.taken('name', error.message);
    if (error instanceof DatabaseOpError && error.kind === 'unconfigured') {
      return new DomainError('database_server_unavailable', `The hosting database server is not available: ${error.message}`, { retryAfterSeconds: 30 });
    }
    if (error instanceof AgentUnreachableError) {
      return new DomainError('agent_unreachable', 'The provisioning agent is unreachable. Try again later.', { retryAfterSeconds: 30 });
    }
    this.logger.error(`${op.op} for ${op.username} failed: ${describeError(error)}`);
    return new DomainError('provisioning_failed', `The database server refused the change: ${describeError(error)}`);
  }
}
