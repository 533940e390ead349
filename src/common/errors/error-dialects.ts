import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DomainError } from './domain-error';
import { ErrorDialect, ErrorDialectProvider, ErrorRequest, NATIVE_DIALECT } from './error-dialect';

export interface ErrorAnswer {
  status: number;
  body: unknown;
  /** Only when the dialect's is not JSON. */
  contentType?: string;
}

/** Every registered dialect; picks the one for a request's path (the native API otherwise) and renders the error in it. */
@Injectable()
export class ErrorDialects implements OnModuleInit {
  private dialects: ErrorDialect[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.dialects = this.discovery
      .getProviders({ metadataKey: ErrorDialectProvider.KEY })
      .map((wrapper) => wrapper.instance as ErrorDialect | undefined)
      .filter((dialect): dialect is ErrorDialect => dialect !== undefined);
  }

  answer(error: DomainError, request: ErrorRequest): ErrorAnswer {
    const path = request.url.split('?')[0];
    const dialect = this.dialects.find((d) => d.matches(path)) ?? NATIVE_DIALECT;
    const status = dialect.status(error.code);
    const body = dialect.body(error, status, request);
    return dialect.contentType ? { status, body, contentType: dialect.contentType } : { status, body };
  }
}
