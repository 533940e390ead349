import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorDetail } from './errors/domain-error';

/** Type checks speak first: "must be a whole number" tells more than "must not be greater than". */
const PRIORITY = ['whitelistValidation', 'isDefined', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'isEnum', 'isIn'];

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, message: messageFor(error, field) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function messageFor(error: ValidationError, field: string): string {
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation) return `${field} is not a known field`;
  if (constraints.refusedWhenSent) return constraints.refusedWhenSent; // null included: sending it at all is the fault
  if (error.value === undefined || error.value === null) return `${field} is required`;
  const key = PRIORITY.find((name) => constraints[name]) ?? Object.keys(constraints)[0];
  return constraints[key];
}

/** whitelist + forbid unknown + transform; failures become 422 validation_failed, one detail per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => DomainError.validation(flatten(errors)),
  });
}
