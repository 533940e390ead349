import { ValidateBy, ValidationArguments } from 'class-validator';

/** Refuses the field when `other` is sent too (exactly one of two ways to say the same thing). */
export function NotWith(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'notWith',
    validator: {
      validate: (_value, args?: ValidationArguments) => (args?.object as Record<string, unknown>)?.[other] === undefined,
      defaultMessage: (args?: ValidationArguments) => `send either ${args?.property} or ${other}, not both`,
    },
  });
}

/** Refuses the field whenever it is sent (a feature we do not have), with `message`. */
export function RefusedWhenSent(message: string | ((args?: ValidationArguments) => string)): PropertyDecorator {
  return ValidateBy({
    name: 'refusedWhenSent',
    validator: {
      validate: (value) => value === undefined,
      defaultMessage: typeof message === 'string' ? () => message : message,
    },
  });
}

/** Refuses the field whenever it is sent: it cannot be changed after creation. */
export function Immutable(): PropertyDecorator {
  return RefusedWhenSent((args) => `${args?.property} is immutable: it cannot be changed after creation`);
}
