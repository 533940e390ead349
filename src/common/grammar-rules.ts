import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { emailProblem, limitProblem, passwordProblem, referenceProblem, textProblem } from '../agent-protocol/grammar';

/**
 * class-validator decorators over the one value grammar (src/agent-protocol/grammar): each is a
 * thin wrapper, so a DTO accepts exactly what the services and the agent's wall accept.
 * `problem` gets the value and the property name and answers why it is refused, or null.
 */
export function Grammar(name: string, problem: (value: unknown, field: string) => string | null, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value, args?: ValidationArguments) => problem(value, args?.property ?? name) === null,
        defaultMessage: (args?: ValidationArguments) => problem(args?.value, args?.property ?? name) ?? `${args?.property} is invalid`,
      },
    },
    options,
  );
}

/** A contact address (grammar/emails.ts). */
export const IsEmailAddress = (options?: ValidationOptions) => Grammar('isEmailAddress', (value, field) => emailProblem(value, field), options);

/** 8–128 printable characters, no NUL or other control character (grammar/passwords.ts). */
export const IsPassword = (options?: ValidationOptions) => Grammar('isPassword', (value, field) => passwordProblem(value, field), options);

/** Free text of `min`–`max` characters: no control, no bidi character (grammar/text.ts). */
export const IsFreeText = (max: number, min = 1, options?: ValidationOptions) => Grammar('isFreeText', (value, field) => textProblem(field, value, max, min), options);

/** A quota in MiB, 0 (unlimited) to MAX_LIMIT_MB. */
export const IsLimitMb = (options?: ValidationOptions) => Grammar('isLimitMb', (value, field) => limitProblem(field, value), options);

/** A row by numeric id or by name, exactly as sent (`"1 "` is refused, not trimmed). */
export const IsReference = (options?: ValidationOptions) => Grammar('isReference', (value, field) => referenceProblem(field, value), options);
