import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, GaugeConfiguration, Histogram, Registry } from 'prom-client';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus registry of one app (one per instance, so tests can run several apps).
 * Other features record through its methods, and add the gauges of what they own; see README "Metrics".
 */
@Injectable()
export class MetricsService {
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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge in this registry; its `collect` runs at each scrape, so it reads the numbers then. */
  gauge<T extends string>(configuration: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return new Gauge({ ...configuration, registers: [this.registry] });
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
}
