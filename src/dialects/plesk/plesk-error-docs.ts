import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { describeStatus } from '../../common/errors/error-docs';
import { resellerStatus, restV2Status } from './plesk-errors';

export class ResellerErrorView {
  @ApiProperty({ example: false })
  success: false;
  @ApiProperty({ example: 'A client with login johndoe already exists' })
  message: string;
  @ApiPropertyOptional({ example: { login: ['login is already taken'] }, type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  errors?: Record<string, string[]>;
}

export class RestV2ErrorView {
  @ApiProperty({ example: 400, description: 'The HTTP status' })
  code: number;
  @ApiProperty({ example: "Client with login 'janeroe' already exists" })
  message: string;
}

/** Documents the reseller error envelope for each status, with the codes answered with it. */
export const ApiResellerErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: describeStatus(status, resellerStatus), type: ResellerErrorView })));

/** Documents Plesk REST's ErrorResponse for each status, with the codes answered with it. */
export const ApiRestV2Errors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: describeStatus(status, restV2Status), type: RestV2ErrorView })));
