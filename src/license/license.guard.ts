import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALLOW_WITHOUT_LICENSE } from './allow-without-license.decorator';
import { LicenseService } from './license.service';
import { httpRequestOf } from '../platform/http/http-context';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Global: every write (POST/PUT/PATCH/DELETE) of every dialect answers 403 license_required while
 * the licence is invalid or expired; reads always pass. Runs after the auth guards (GLOBAL_GUARDS in
 * app.module.ts), so an unauthenticated call still gets 401.
 */
@Injectable()
export class LicenseGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly license: LicenseService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const method = String(httpRequestOf<{ method?: string }>(context).method ?? '').toUpperCase();
    if (!WRITE_METHODS.has(method)) return true;
    if (this.reflector.getAllAndOverride<boolean>(ALLOW_WITHOUT_LICENSE, [context.getHandler(), context.getClass()])) return true;
    this.license.assertWritable();
    return true;
  }
}
