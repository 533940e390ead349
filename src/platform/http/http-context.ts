import type { ArgumentsHost } from '@nestjs/common';

/**
 * The request and the reply of an HTTP context, read by index. `switchToHttp()` assigns three new
 * closures onto the context on every call, and four guards call it on every request.
 */
export const httpRequestOf = <T = unknown>(context: ArgumentsHost): T => context.getArgByIndex<T>(0);
export const httpReplyOf = <T = unknown>(context: ArgumentsHost): T => context.getArgByIndex<T>(1);
