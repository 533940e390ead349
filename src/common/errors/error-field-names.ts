import { CallHandler, ExecutionContext, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { DomainError } from './domain-error';

class RenameErrorFields implements NestInterceptor {
  constructor(private readonly names: Record<string, string>) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => (error instanceof DomainError ? error.withFieldNames(this.names) : error))));
  }
}

/**
 * The services name fields their way (`username`); an adapter route that calls them under other
 * names (`ftp_login`) declares the mapping here, and its errors' details carry its names.
 */
export function ErrorFieldNames(names: Record<string, string>): MethodDecorator & ClassDecorator {
  return UseInterceptors(new RenameErrorFields(names));
}
