import { Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { principalOf } from '../../auth/principal';
import { PackageListDialect, PackageListDialectProvider } from '../../packages/package-list-dialect';
import { PackagesService } from '../../packages/packages.service';
import { OPTERIUS_SHARED_PACKAGES_PATH } from './opterius-paths';
import { OpteriusAnswer, OpteriusPackageView } from './opterius.view';

/**
 * `GET /api/v1/packages` is a native route and an Opterius one. The token decides, once, when the
 * operator creates it: a token made with `dialect: "opterius"` gets Opterius' list there
 * (`{result, message, data: [{name, disk_quota, bandwidth, php_default}]}`), every other token the
 * native one. The native list route asks it after the guards (401/403 as native). Not an
 * interceptor: a global one would put every route of the panel on Nest's rxjs path.
 */
@Injectable()
@PackageListDialectProvider()
export class OpteriusPackageList implements PackageListDialect {
  constructor(private readonly packages: PackagesService) {}

  answers(request: FastifyRequest): boolean {
    return request.routeOptions?.url === OPTERIUS_SHARED_PACKAGES_PATH && principalOf(request)?.dialect === 'opterius';
  }

  async list(): Promise<OpteriusAnswer<OpteriusPackageView[]>> {
    return { result: 'success', message: 'Packages retrieved successfully', data: (await this.packages.list()).map(OpteriusPackageView.of) };
  }
}
