// node dist/bench/memory.js — the panel's memory as `npm start` runs it (the bundle, a fresh SQLite
// install): time to ready and idle RSS (median of 3 restarts), then RSS after 1,000 creates
// (4 clients) and 10,000 reads, settled. Prints figures beside their targets; asserts nothing.
// About two minutes. HW_BENCH_MEMORY_CREATES / HW_BENCH_MEMORY_READS change the load.
import { createMany, f, freshInstall, median } from './bench-panel';
import { benchPart, load, Server, settledRss } from './support';

const CREATES = Number(process.env.HW_BENCH_MEMORY_CREATES ?? 1000);
const READS = Number(process.env.HW_BENCH_MEMORY_READS ?? 10_000);

function row(...cells: (string | number)[]): void {
  process.stdout.write(`  ${cells.join('  ')}\n`);
}

/** V8's heap against the rest of the process (malloc arenas, code, buffers), from /metrics. */
async function memorySplit(server: Server, token: string): Promise<string> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1048576;
  const rss = value('process_resident_memory_bytes');
  const heap = value('nodejs_heap_size_total_bytes');
  return `V8 heap ${f(heap)} MB (used ${f(value('nodejs_heap_size_used_bytes'))}), outside it ${f(rss - heap)} MB`;
}

async function main(): Promise<void> {
  if (!benchPart('memory')) return;
  process.stdout.write(`Hostwright memory bench: the bundle on a fresh SQLite install, ${CREATES} creates + ${READS} reads\n\n`);
  const install = await freshInstall('memory');
  let server: Server | null = null;
  try {
    const ready: number[] = [];
    const idle: number[] = [];
    for (let i = 0; i < 3; i++) {
      server = await install.start();
      ready.push(server.readyMs);
      idle.push(await settledRss(server.child.pid!));
      if (i < 2) await server.stop();
    }
    row('start → ready', `median ${f(median(ready), 0)} ms`, `runs ${ready.map((x) => f(x, 0)).join(', ')}`, 'target ≤ 1000 ms');
    row('idle RSS', `median ${f(median(idle))} MB`, `runs ${idle.map((x) => f(x)).join(', ')}`, 'target ≤ 150 MB');
    row('', 'where', await memorySplit(server!, install.token));

    const created = await createMany(server!, install.token, CREATES, 4);
    row('load', `${CREATES} creates (4 clients)`, `${f(created.perSecond)}/s`);
    const reads = await load({ url: `${server!.url}/api/v1/accounts/1`, headers: { authorization: `Bearer ${install.token}` }, connections: 10, amount: READS });
    row(
      '',
      `${READS} reads GET /api/v1/accounts/1`,
      `${f(reads.rps, 0)} req/s`,
      reads.non2xx || reads.errors ? `(${reads.non2xx} non-2xx, ${reads.errors} errors!)` : '',
    );
    row('RSS after the load', `${f(await settledRss(server!.child.pid!))} MB (settled)`, 'target ≤ 180 MB');
    row('', 'where', await memorySplit(server!, install.token));
  } finally {
    await server?.stop();
    install.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
