import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const MODULE = join(__dirname, '../../src/platform/process/idle-memory.js');

/**
 * A process that builds ≈80 MB of objects that live long enough to reach the old generation,
 * drops them, goes quiet, and prints its used heap every 500 ms. V8 alone leaves such garbage
 * until allocation pressure returns (its own memory reducer waits ≈8 s after the last GC): the deadline is 6 s.
 */
const CHILD = `
const { getHeapStatistics } = require('node:v8');
require(${JSON.stringify(MODULE)}).releaseMemoryWhenIdle(100);
let kept = [];
for (let i = 0; i < 400000; i++) kept.push({ i, text: 'garbage ' + i, more: [i, i + 1, i + 2] });
const report = () => process.stdout.write(getHeapStatistics().used_heap_size + '\\n');
setTimeout(() => {
  kept = null;
  report();
  setInterval(report, 500);
}, 50);
`;

test('a quiet process gives a burst of old-generation garbage back within a few checks', async () => {
  const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const used: number[] = [];
    const dropped = await new Promise<boolean>((resolve) => {
      const deadline = setTimeout(() => resolve(false), 6000);
      child.stdout.on('data', (chunk: Buffer) => {
        used.push(...chunk.toString().trim().split('\n').map(Number));
        if (used.length > 1 && used[used.length - 1] < used[0] - 40e6) {
          clearTimeout(deadline);
          resolve(true);
        }
      });
    });
    const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
    assert.ok(dropped, `the used heap stayed ${used.length ? `${mb(used[0])} → ${mb(used[used.length - 1])}` : 'unreported'} for 6 s`);
  } finally {
    child.kill();
  }
});
