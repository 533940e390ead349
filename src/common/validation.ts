import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorDetail } from './errors/domain-error';
import { plainPageQuery } from './pagination';

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

/** Names every object already has (toString, constructor, __proto__…): sent as fields they would slip past the whitelist. */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

function inheritedNameFields(value: unknown, parent = ''): ErrorDetail[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    if (INHERITED_NAMES.has(key)) return [{ field, message: `${field} is not a known field` }];
    return inheritedNameFields((value as Record<string, unknown>)[key], field);
  });
}

/**
 * Bodies and queries only: path parameters are left to their own pipes (ParseIdPipe), since
 * the global transform would turn "0x71" or "113.0" into 113 before they are checked. A body
 * declared as a DTO must be a JSON object when it is sent at all.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    if (metadata.type === 'query') {
      const page = plainPageQuery(metadata.metatype, value);
      if (page) return page;
    }
    if (metadata.type === 'body' && value !== undefined && this.toValidate(metadata)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DomainError('bad_request', 'The request body must be a JSON object');
      const inherited = inheritedNameFields(value);
      if (inherited.length) throw DomainError.validation(inherited);
    }
    return super.transform(value, metadata);
  }
}

/** whitelist + forbid unknown + transform; failures become 422 validation_failed, one detail per field. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => DomainError.validation(flatten(errors)),
  });
}
