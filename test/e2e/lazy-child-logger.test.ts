import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { lazyChildLogger } from '../../src/platform/observability/lazy-child-logger';
import { REDACTED_PATHS } from '../../src/platform/observability/logging';

/** A real pino logger (the panel's redaction) writing into `lines`; `children` counts the children pino made. */
function logger(): { root: FastifyBaseLogger; lines: Record<string, unknown>[]; children: () => number } {
  const lines: Record<string, unknown>[] = [];
  let children = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, onChild: () => (children += 1) }, sink);
  return { root: root as unknown as FastifyBaseLogger, lines, children: () => children };
}

test('request.log makes its pino child only when something logs, and that line is what the child would write', () => {
  const { root, lines, children } = logger();
  const log = lazyChildLogger(root, { reqId: 'req-1' }, {});
  assert.equal(log.level, 'info');
  assert.equal(lazyChildLogger(root, { reqId: 'req-0' }, { level: 'warn' }).level, 'warn', "a route's own level");

  assert.equal(children(), 0, 'no child until something logs');

  lazyChildLogger(root, { reqId: 'req-2' }, {}).debug('below the level');
  assert.equal(lines.length, 0);
  assert.equal(children(), 1, 'a log call makes it');

  log.warn({ password: 'hunter2', detail: 'x' }, 'something odd');
  log.error(new Error('broke'));
  assert.deepEqual(
    lines.map((l) => [l.reqId, l.level, l.msg, l.password]),
    [
      ['req-1', 40, 'something odd', '[redacted]'],
      ['req-1', 50, 'broke', undefined],
    ],
  );
  log.child({ step: 'inner' }).info('nested');
  assert.deepEqual([lines[2].reqId, lines[2].step, lines[2].msg], ['req-1', 'inner', 'nested']);
});
