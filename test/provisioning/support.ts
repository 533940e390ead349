import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DataSource } from 'typeorm';
import { reversedLabels } from '../../src/agent-protocol/grammar';
import { sqlNow } from '../../src/platform/database/columns';
import { AccountTarget } from '../../src/provisioning/provisioning.port';
import { TestingModuleBuilder } from '@nestjs/testing';
import { createProvisioningSteps } from '../../src/agent/agent.module';
import { PROVISIONING_STEPS } from '../../src/agent/plan-executor';
import { APP_CONFIG, AppConfig } from '../../src/platform/config/app-config';
import { DatabaseService } from '../../src/platform/database/database.service';
import { StepName } from '../../src/agent-protocol/plan';
import { ReloadCoalescer } from '../../src/agent/system/reload-coalescer';
import { StepCatalog } from '../../src/agent/steps';
import { TestApp } from '../support/test-app';

let counter = 0;

/** A fresh, valid target with names unique to this test process. */
export function newTarget(prefix = 'acct'): AccountTarget {
  counter++;
  const tag = `${process.pid.toString(36)}${counter}`;
  return { id: 0, username: `${prefix}${tag}`.slice(0, 32), domain: `${prefix}${tag}.example.org`, email: `owner${tag}@example.net`, phpVersion: '8.2' };
}

/** Inserts an accounts row as the accounts API does (tests that drive the provisioner directly). */
export async function insertAccount(t: TestApp, target: AccountTarget, status: string, updatedAt = sqlNow()): Promise<AccountTarget> {
  const ds = t.get(DataSource);
  await ds.query(
    'INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, client_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, NULL, ?, ?, ?, ?)',
    [randomUUID(), target.username, target.domain, reversedLabels(target.domain), target.email, 'x', status, target.phpVersion, sqlNow(), updatedAt],
  );
  const [row] = await ds.query('SELECT id FROM accounts WHERE username = ?', [target.username]);
  return { ...target, id: Number(row.id) };
}

/** Every path under root (dirs end with /), relative, sorted. */
export function listTree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const stat = lstatSync(full);
      out.push(relative(root, full) + (stat.isDirectory() ? '/' : ''));
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * What is left of an account under root: any path naming it, and any line naming it in any file
 * (shadow-utils' `passwd-`-style backups excepted: they hold the previous version by design).
 */
export function leftovers(root: string, target: AccountTarget): string[] {
  const found: string[] = [];
  for (const path of listTree(root)) {
    if (path.includes(target.username) || path.includes(target.domain)) found.push(path);
    if (path.endsWith('/') || path.endsWith('-')) continue;
    const full = join(root, path);
    if (!lstatSync(full).isFile()) continue; // links, sockets
    const text = readFileSync(full, 'utf8');
    for (const line of text.split('\n')) {
      if (line.includes(target.username) || line.includes(target.domain)) found.push(`${path}: ${line}`);
    }
  }
  return found;
}

export async function dnsRows(t: TestApp, domain: string): Promise<{ domains: number; records: number }> {
  const ds = t.get(DataSource);
  const [d] = await ds.query('SELECT COUNT(*) AS n FROM domains WHERE name = ?', [domain]);
  const [r] = await ds.query('SELECT COUNT(*) AS n FROM records WHERE name = ? OR name LIKE ?', [domain, `%.${domain}`]);
  return { domains: Number(d.n), records: Number(r.n) };
}

export async function accountRow(t: TestApp, id: number): Promise<{ status: string } | undefined> {
  const rows = await t.get(DataSource).query('SELECT status FROM accounts WHERE id = ?', [id]);
  return rows[0];
}

export function readRoot(root: string, path: string): string | null {
  const full = join(root, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : null;
}

/** The real catalog, with a switch the test flips to make one step fail instead of applying. */
export function faultyCatalog(real: StepCatalog, fault: { step: StepName | null }): StepCatalog {
  const wrapped = { ...real };
  for (const name of Object.keys(real) as StepName[]) {
    wrapped[name] = {
      ...real[name],
      apply: async (input) => {
        if (fault.step === name) throw new Error(`injected fault at ${name}`);
        return real[name].apply(input);
      },
      undo: (input) => real[name].undo(input),
    };
  }
  return wrapped;
}

/** startTestApp's `override`: the real steps through Nest DI, failing at `fault.step` while it is set. */
export function faultOverride(fault: { step: StepName | null }) {
  return (b: TestingModuleBuilder) =>
    b.overrideProvider(PROVISIONING_STEPS).useFactory({
      factory: (config: AppConfig, db: DatabaseService, reloads: ReloadCoalescer) => faultyCatalog(createProvisioningSteps(config, db, reloads), fault),
      inject: [APP_CONFIG, DatabaseService, ReloadCoalescer],
    });
}

/** A command that appends its name to `dir`/runs.log: a stand-in reload (or test) command that is counted. */
export function countingCommand(dir: string, name: string): string {
  const script = join(dir, `${name}.sh`);
  writeFileSync(script, `#!/bin/sh\necho ${name} >> "${join(dir, 'runs.log')}"\n`);
  chmodSync(script, 0o755);
  return JSON.stringify([script]);
}

/** How many times the command `name` logged itself in `dir`/runs.log. */
export function loggedRuns(dir: string, name: string): number {
  const log = join(dir, 'runs.log');
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l === name).length
    : 0;
}
