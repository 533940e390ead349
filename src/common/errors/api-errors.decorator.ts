import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from './error-body';
import { describeStatus } from './error-docs';

/** Documents the error envelope for each status a route can answer with; the codes come from the catalogue. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: describeStatus(status), type: ErrorBody })));
}
