#!/usr/bin/env node
// Runs the e2e suites twice: on SQLite, then on MariaDB (DATABASE_URL, else a local server).
// With CI=true or HW_REQUIRE_MARIADB=1 a missing MariaDB fails the run instead of skipping it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'net';

const root = new URL('..', import.meta.url).pathname;
const suiteDir = join(root, 'dist', 'test');
const filter = process.argv.slice(2);

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'stack' || name === 'cluster' ? [] : findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function run(label, env) {
  const files = findTests(suiteDir).filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)));
  process.stdout.write(`\n=== ${label}: ${files.length} test files ===\n`);
  const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status ?? 1;
}

const requireMaria = process.env.CI === 'true' || process.env.HW_REQUIRE_MARIADB === '1';
const mariaUrl = process.env.DATABASE_URL || 'mariadb://root@127.0.0.1:3306/test';
const target = new URL(mariaUrl);

let failed = run('SQLite', { DATABASE_URL: '' }) !== 0;
if (await reachable(target.hostname, Number(target.port || 3306))) {
  failed = run(`MariaDB (${target.host})`, { DATABASE_URL: mariaUrl }) !== 0 || failed;
} else if (requireMaria) {
  process.stderr.write(`MariaDB is required (CI) but ${target.host} is not reachable\n`);
  failed = true;
} else {
  process.stdout.write(`\nMariaDB at ${target.host} not reachable: MariaDB pass skipped\n`);
}
process.exit(failed ? 1 : 0);
