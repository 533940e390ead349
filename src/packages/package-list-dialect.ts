import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { FastifyRequest } from 'fastify';

/**
 * A dialect that answers the native package list in its own shape for its own tokens (Opterius'
 * `GET /api/v1/packages`). Dialects provide it; the native list route asks, after the guards.
 */
export interface PackageListDialect {
  /** Whether this request (its route and its token) is answered by the dialect. */
  answers(request: FastifyRequest): boolean;
  list(): Promise<object>;
}

/** Marks a provider as a PackageListDialect; PackageListDialects finds every one in the container. */
export const PackageListDialectProvider = DiscoveryService.createDecorator<void>();

/** Every registered PackageListDialect; the one that answers a request, if any. */
@Injectable()
export class PackageListDialects implements OnModuleInit {
  private dialects: PackageListDialect[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.dialects = this.discovery
      .getProviders({ metadataKey: PackageListDialectProvider.KEY })
      .map((wrapper) => wrapper.instance as PackageListDialect | undefined)
      .filter((dialect): dialect is PackageListDialect => dialect !== undefined);
  }

  for(request: FastifyRequest): PackageListDialect | undefined {
    return this.dialects.length === 0 ? undefined : this.dialects.find((d) => d.answers(request));
  }
}
