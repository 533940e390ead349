import { ValidationOptions } from 'class-validator';
import { usernameProblem as grammarProblem } from '../agent-protocol/grammar';
import { hostIdentityProblem } from '../agent-protocol/host-identities';
import { Grammar } from './grammar-rules';

export { RESERVED_USERNAMES, USERNAME_PATTERN, USERNAME_RULE } from '../agent-protocol/grammar';

/**
 * Why a username is refused, or null: the grammar (pattern, reserved names) and then this host's
 * own users and groups, read from /etc/passwd and /etc/group at each call.
 */
export function usernameProblem(value: unknown): string | null {
  return grammarProblem(value) ?? hostIdentityProblem(value as string);
}

/** class-validator decorator for {@link usernameProblem}. */
export function IsHostingUsername(options?: ValidationOptions): PropertyDecorator {
  return Grammar('isHostingUsername', (value) => usernameProblem(value) ?? null, options);
}
