// node dist/bench/creates.js — creates (POST /api/v1/accounts, the in-process agent writing under a
// temp rootDir, SQLite as `npm start`) against the number of accounts already there, and creates/s
// with 1 and 4 clients. Prints figures beside their targets; asserts nothing. About two minutes.
// HW_BENCH_CREATE_LEVELS=100,1000,3000,10000 (the first is the reference), HW_BENCH_CREATE_ROUNDS=5.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createAccount, createMany, f, freshInstall, Install, median, percentile } from './bench-panel';
import { seedAccounts } from './seed-accounts';
import { benchPart, cpuMs, Server } from './support';

const LEVELS = (process.env.HW_BENCH_CREATE_LEVELS ?? '100,1000,3000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.HW_BENCH_CREATE_ROUNDS ?? 5);
/** Creates per panel per round. */
const PER_ROUND = 10;
/** The level creates/s with 1 and 4 clients is measured at (the issue's). */
const SCALE_LEVEL = 3000;
const SCALE_COUNT = 16;

function row(...cells: (string | number)[]): void {
  process.stdout.write(`  ${cells.join('  ')}\n`);
}

interface Running {
  install: Install;
  server: Server;
  level: number;
}

async function atLevel(install: Install, level: number): Promise<Running> {
  const holds = seedAccounts(install, level);
  const server = await install.start();
  for (let i = 0; i < 3; i++) await createAccount(server, install.token); // warm-up
  return { install, server, level: holds };
}

/**
 * The reference level and another, in paired rounds (the order flips every round: this VM drifts
 * by up to 1.7× within a minute), compared by the median of the per-round p50 ratios.
 */
async function compareLevels(reference: Running, other: Running): Promise<{ ref: number[]; oth: number[]; ratios: number[] }> {
  const ref: number[] = [];
  const oth: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [reference, other] : [other, reference];
    const got = new Map<Running, number[]>();
    for (const r of order) got.set(r, (await createMany(r.server, r.install.token, PER_ROUND, 1)).latencies);
    ref.push(...got.get(reference)!);
    oth.push(...got.get(other)!);
    ratios.push(median(got.get(other)!) / median(got.get(reference)!));
  }
  return { ref, oth, ratios };
}

/** useradd on a copy of the panel's root at this level: what the create's user step cost before our writer. */
function useraddMs(rootDir: string): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    execFileSync('useradd', ['--root', rootDir, '-M', '-U', '-c', 'bench', '-s', '/bin/bash', `ua${process.pid % 1000}x${Date.now() % 1e6}${i}`], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

async function scaling(r: Running): Promise<void> {
  const ratios: number[] = [];
  const one: number[] = [];
  const four: number[] = [];
  const busy: number[] = [];
  const cpuPerCreate: number[] = [];
  const cores = availableParallelism();
  for (let round = 0; round < ROUNDS; round++) {
    const runs: Record<number, number> = {};
    for (const clients of round % 2 === 0 ? [1, 4] : [4, 1]) {
      const before = cpuMs(r.server.child.pid!).machine;
      const started = process.hrtime.bigint();
      runs[clients] = (await createMany(r.server, r.install.token, SCALE_COUNT, clients)).perSecond;
      const machineMs = cpuMs(r.server.child.pid!).machine - before;
      cpuPerCreate.push(machineMs / SCALE_COUNT);
      if (clients === 4) busy.push(machineMs / (cores * (Number(process.hrtime.bigint() - started) / 1e6)));
    }
    one.push(runs[1]);
    four.push(runs[4]);
    ratios.push(runs[4] / runs[1]);
  }
  const list = (xs: number[], d = 1) => xs.map((x) => f(x, d)).join(', ');
  // All cores busy, creates/s cannot pass cores ÷ CPU per create: the most 4 clients can add here.
  const bound = (cores * 1000) / median(cpuPerCreate) / median(one);
  row(`creates/s @${r.level}`, '1 client', `${f(median(one))}/s`, `rounds ${list(one)}`);
  row('', '4 clients', `${f(median(four))}/s`, `rounds ${list(four)}`);
  row('', '4 / 1 clients', `${f(median(ratios), 2)}x (median of rounds ${list(ratios, 2)})`, 'target ≥ 1.5x');
  row(
    '',
    'CPU',
    `${f(median(cpuPerCreate))} ms of the machine per create; with 4 clients ${f(median(busy) * 100, 0)} % of ${cores} cores busy (rounds ${list(
      busy.map((b) => b * 100),
      0,
    )}): at most ${f(bound, 2)}x with every core busy`,
  );
}

async function main(): Promise<void> {
  if (!benchPart('creates')) return;
  process.stdout.write(`Hostwright creates bench: SQLite, levels ${LEVELS.join(', ')}, ${ROUNDS} paired rounds of ${PER_ROUND} creates\n\n`);
  const refInstall = await freshInstall('ref');
  const reference = await atLevel(refInstall, LEVELS[0]);
  const others: Install[] = [];
  try {
    row(`create @${reference.level}`, 'reference', `user step by useradd would be ${f(useraddMs(refInstall.rootDir))} ms`);
    for (const level of LEVELS.slice(1)) {
      const install = await freshInstall(`l${level}`);
      others.push(install);
      const other = await atLevel(install, level);
      try {
        const { ref, oth, ratios } = await compareLevels(reference, other);
        row(
          `create @${other.level}`,
          `p50 ${f(median(oth))} ms, p90 ${f(percentile(oth, 90))} ms`,
          `(@${reference.level}: p50 ${f(median(ref))}, p90 ${f(percentile(ref, 90))})`,
          `p50 ratio ${f(median(ratios), 2)}x (rounds ${ratios.map((x) => f(x, 2)).join(', ')})`,
          level >= 10_000 ? 'target ≤ 1.3x' : '',
          `useradd here: ${f(useraddMs(install.rootDir))} ms`,
        );
        if (level === SCALE_LEVEL) await scaling(other);
      } finally {
        await other.server.stop();
      }
    }
    if (!LEVELS.includes(SCALE_LEVEL)) row('creates/s', `skipped: ${SCALE_LEVEL} is not among the levels`);
  } finally {
    await reference.server.stop();
    refInstall.remove();
    for (const i of others) i.remove();
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
