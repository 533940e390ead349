import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { from, Observable } from 'rxjs';
import { principalOf } from '../../auth/principal';
import { PackagesService } from '../../packages/packages.service';
import { OPTERIUS_SHARED_PACKAGES_PATH } from './opterius-paths';
import { OpteriusAnswer, OpteriusPackageView } from './opterius.view';

/**
 * `GET /api/v1/packages` is a native route and an Opterius one. The token decides, once, when the
 * operator creates it: a token made with `dialect: "opterius"` gets Opterius' list there
 * (`{result, message, data: [{name, disk_quota, bandwidth, php_default}]}`), every other token the
 * native one. Global, so the native controller stays as it is; it runs after the guards (401/403 as native).
 */
@Injectable()
export class OpteriusPackagesInterceptor implements NestInterceptor {
  constructor(private readonly packages: PackagesService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method !== 'GET' || request.routeOptions?.url !== OPTERIUS_SHARED_PACKAGES_PATH || principalOf(request)?.dialect !== 'opterius') return next.handle();
    return from(this.list());
  }

  private async list(): Promise<OpteriusAnswer<OpteriusPackageView[]>> {
    return { result: 'success', message: 'Packages retrieved successfully', data: (await this.packages.list()).map(OpteriusPackageView.of) };
  }
}
