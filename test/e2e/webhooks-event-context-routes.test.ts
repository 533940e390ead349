import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { EventContextInterceptor } from '../../src/webhooks/outbox/event-context';
import { startTestApp, TestApp } from '../support/test-app';

const READS = new Set([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS]);

describe('event context: every writing route of the panel runs inside it', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('each writing route carries EventContextInterceptor first (RecordsEvents on its class), no read does', () => {
    const reflector = t.get(Reflector);
    const writing: string[] = [];
    const missing: string[] = [];
    const reads: string[] = [];
    for (const wrapper of t.get(DiscoveryService).getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller) continue;
      const classInterceptors = reflector.get<unknown[] | undefined>(INTERCEPTORS_METADATA, controller) ?? [];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler as () => void);
        if (method === undefined || reflector.get(PATH_METADATA, handler as () => void) === undefined) continue;
        const route = `${RequestMethod[method]} ${controller.name}.${name}`;
        const interceptors = [...classInterceptors, ...(reflector.get<unknown[] | undefined>(INTERCEPTORS_METADATA, handler as () => void) ?? [])];
        if (READS.has(method)) {
          if (interceptors.includes(EventContextInterceptor)) reads.push(route);
          continue;
        }
        writing.push(route);
        if (interceptors[0] !== EventContextInterceptor) missing.push(route);
      }
    }
    assert.ok(writing.length > 50, `found the writing routes (${writing.length})`);
    assert.deepEqual(missing, [], 'writing routes without the event context outside their own interceptors');
    assert.deepEqual(reads, [], 'reads run outside it, with no interceptor from it (Nest skips its rxjs path)');
  });
});
