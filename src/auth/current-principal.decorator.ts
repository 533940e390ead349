import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal, principalOf } from './principal';
import { httpRequestOf } from '../platform/http/http-context';

/** The calling token, as a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => principalOf(httpRequestOf(ctx)));
