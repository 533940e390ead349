// Part of `npm run bench` (after run.js): the time of one DNS record change end to end — the
// PATCH through the API until PowerDNS (gmysql, caches off) answers the new address over UDP —
// with min/median/max over rounds. Starts its own PowerDNS on a loopback port; asserts nothing.
import { spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '../test/support/accounts';
import { startPowerDns } from '../test/support/powerdns';
import { startTestApp } from '../test/support/test-app';
import { benchPart } from './support';

const ROUNDS = Number(process.env.HW_BENCH_DNS_ROUNDS ?? 25);

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const stats = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return `min ${sorted[0].toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
};

async function main(): Promise<void> {
  if (!benchPart('dns')) return;
  process.stdout.write('\nDNS record change, API to PowerDNS answering\n');
  if (spawnSync('sh', ['-c', 'command -v pdns_server && command -v dig']).status !== 0) {
    process.stdout.write('  skipped: pdns_server or dig is not installed (test/stack/install-deps.sh installs them)\n');
    return;
  }
  // The test support picks its database from DATABASE_URL; PowerDNS reads MariaDB.
  process.env.DATABASE_URL ??= `${(process.env.HW_BENCH_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306').replace(/\/$/, '')}/bench`;
  const dir = mkdtempSync(join(tmpdir(), 'hw-bench-dns-'));
  const t = await startTestApp();
  const pdns = await startPowerDns(t.database.config, dir);
  try {
    const a = await createAccount(t);
    const created = await t.call('POST', `/api/v1/accounts/${a.id}/dns/records`, { body: { name: 'bench', type: 'A', ttl: 60, data: { address: '198.51.100.0' } } });
    if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
    const path = `/api/v1/accounts/${a.id}/dns/records/${created.body.data.id}`;
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.port}`]);
    const name = `bench.${a.domain}`;
    const api: number[] = [];
    const answered: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const address = `198.51.100.${round}`;
      const start = process.hrtime.bigint();
      const r = await t.call('PATCH', path, { body: { data: { address } } });
      if (r.status !== 200) throw new Error(`PATCH failed: ${r.text}`);
      api.push(ms(start));
      for (;;) {
        const got = await resolver.resolve4(name).catch(() => [] as string[]);
        if (got.includes(address)) break;
      }
      answered.push(ms(start));
    }
    process.stdout.write(`  PATCH answered (row written, serial bumped)   ${stats(api)}\n`);
    process.stdout.write(`  PowerDNS answers the new address (UDP query)  ${stats(answered)}   (${ROUNDS} rounds)\n`);
    process.stdout.write(`  dig +short ${name}: ${pdns.short(name)}; serial ${pdns.serial(a.domain)}\n`);
  } finally {
    pdns.stop();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
