import { StepName } from './plan';

/** A step failed; the finished ones were reversed (those in `undoFailed` could not be). */
export class StepFailedError extends Error {
  constructor(
    readonly step: StepName | string,
    readonly undoFailed: string[],
    detail = '',
  ) {
    super(`step ${step} failed${detail ? `: ${detail}` : ''}`);
  }
}

/** A removal ran every step; these could not finish (the rest did). Repeating it is safe. */
export class RemovalIncompleteError extends Error {
  constructor(readonly failedSteps: string[]) {
    super(`removal incomplete: ${failedSteps.join(', ')}`);
  }
}

/** The agent could not be reached. `maybeDelivered`: the connection broke after the plan was sent. */
export class AgentUnreachableError extends Error {
  constructor(
    message: string,
    readonly maybeDelivered: boolean,
  ) {
    super(message);
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The agent refused the plan unrun: expired, or older than the last plan it ran for that name. */
export class StalePlanError extends Error {}
