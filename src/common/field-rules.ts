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

/** Refuses the field whenever it is sent: it cannot be changed after creation. */
export function Immutable(): PropertyDecorator {
  return ValidateBy({
    name: 'immutable',
    validator: {
      validate: (value) => value === undefined,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} is immutable: it cannot be changed after creation`,
    },
  });
}
