import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ACCOUNT_STATUSES } from '../../accounts/account.entity';
import { LICENSE_SEATS, LicenseSeatsProvider } from './license-seats';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus registry of one app (one per instance, so tests can run several apps).
 * Other features record through its methods; see README "Metrics".
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'hostwright_http_requests_total',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'hostwright_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly stepDuration = new Histogram({
    name: 'hostwright_provisioning_step_duration_seconds',
    help: 'Duration of provisioning steps by step and result (ok, failed)',
    labelNames: ['step', 'result'] as const,
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  private readonly stepFailures = new Counter({
    name: 'hostwright_provisioning_step_failures_total',
    help: 'Provisioning steps that failed, by step',
    labelNames: ['step'] as const,
    registers: [this.registry],
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const dataSourceRef = this.dataSource;
    new Gauge({
      name: 'hostwright_accounts',
      help: 'Hosting accounts by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows: { status: string; n: number | string }[] = await dataSourceRef.query('SELECT status, COUNT(*) AS n FROM accounts GROUP BY status');
        this.reset();
        for (const state of ACCOUNT_STATUSES) this.set({ state }, 0);
        for (const row of rows) this.set({ state: row.status }, Number(row.n));
      },
    });
  }

  onModuleInit(): void {
    const provider = this.licenseSeats();
    if (!provider) return;
    let pending: Promise<{ used: number; max: number | null }> | undefined;
    // Both gauges collect in one pass (concurrently): share that pass's read, never a stale one.
    const read = () => (pending ??= Promise.resolve(provider.seats()).finally(() => (pending = undefined)));
    new Gauge({
      name: 'hostwright_license_seats_used',
      help: 'Accounts counted against the licence',
      registers: [this.registry],
      async collect() {
        this.set((await read()).used);
      },
    });
    new Gauge({
      name: 'hostwright_license_seats_max',
      help: 'Accounts the licence allows (-1: no limit)',
      registers: [this.registry],
      async collect() {
        this.set((await read()).max ?? -1);
      },
    });
  }

  /** Record one provisioning step: its name (e.g. 'vhost'), how long it took, and whether it succeeded. */
  observeProvisioningStep(step: string, seconds: number, ok: boolean): void {
    this.stepDuration.observe({ step, result: ok ? 'ok' : 'failed' }, seconds);
    if (!ok) this.stepFailures.inc({ step });
  }

  /** Counts every response by its route pattern (never the raw URL, which would explode the label set). */
  instrument(fastify: FastifyInstance): void {
    // One bound pair per method, route and status: binding labels hashes them, once per series is enough.
    const series = new Map<string, { count: { inc(): void }; duration: { observe(seconds: number): void } }>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let bound = series.get(key);
      if (!bound) {
        const labels = { method: request.method, route, status: String(reply.statusCode) };
        bound = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
        series.set(key, bound);
      }
      bound.count.inc();
      bound.duration.observe(reply.elapsedTime / 1000);
      done();
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private licenseSeats(): LicenseSeatsProvider | undefined {
    try {
      return this.moduleRef.get<LicenseSeatsProvider>(LICENSE_SEATS, { strict: false });
    } catch {
      return undefined;
    }
  }
}
