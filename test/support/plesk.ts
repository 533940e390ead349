import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { LicenseService } from '../../src/license/license.service';
import { CallResult, TestApp } from './test-app';

/** Runs `work` while the installed licence is unreadable (status invalid: writes blocked), then puts it back. */
export async function withInvalidLicence(t: TestApp, work: () => Promise<void>): Promise<void> {
  const file = t.config.license.file;
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, '{"payload": ');
  assert.equal((await t.get(LicenseService).reload()).status, 'invalid');
  try {
    await work();
  } finally {
    writeFileSync(file, original);
    assert.equal((await t.get(LicenseService).reload()).status, 'valid');
  }
}

/** Calls `send` until it answers 429 (the default budget is 600 calls a minute per token); returns that answer. */
export async function untilRateLimited(send: () => Promise<CallResult>, bound = 700): Promise<CallResult> {
  for (let i = 0; i < bound; i++) {
    const r = await send();
    if (r.status === 429) return r;
  }
  throw new Error(`no 429 within ${bound} calls`);
}

/** A body just over the 1 MiB limit. */
export const OVERSIZE_BODY = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });

export const basic = (password: string, login = 'admin'): string => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
