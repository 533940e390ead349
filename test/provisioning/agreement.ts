import { join } from 'node:path';
import { lstatSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { TestApp } from '../support/test-app';
import { leftovers, readRoot } from './support';

/** One account as the checker sees it: its names and, when it has a row, the row's status. */
export interface CheckedAccount {
  username: string;
  domain: string;
  /** undefined: no row (deleted, or never made) — nothing of it may be left on disk. */
  status?: string;
}

const LIVE_SHELL = '/bin/bash';
const NOLOGIN_SHELL = '/usr/sbin/nologin';

/**
 * Whether the files under root agree with each account's row: an `active` row serves the live
 * vhost, a login shell and an unexpired user; a `suspended` row serves the 503 vhost, the nologin
 * shell and an expired user (shadow field 8 = 1); no row → nothing left. (Mail's suspension is a
 * database flag: mailDisagreements checks it.)
 * Any other status (a transitional one, failed) is a disagreement once every call has returned.
 * Answers one message per problem, prefixed with the account's username.
 */
export function disagreements(root: string, accounts: CheckedAccount[]): string[] {
  const problems: string[] = [];
  const passwd = (readRoot(root, 'etc/passwd') ?? '').split('\n');
  const shadow = (readRoot(root, 'etc/shadow') ?? '').split('\n');
  for (const a of accounts) {
    const say = (message: string) => problems.push(`${a.username} (${a.status ?? 'no row'}): ${message}`);
    if (a.status === undefined) {
      for (const left of leftovers(root, { id: 0, username: a.username, domain: a.domain, email: '', phpVersion: '8.2' })) say(`left behind: ${left}`);
      continue;
    }
    if (a.status !== 'active' && a.status !== 'suspended') {
      say('row is neither active nor suspended after every call returned');
      continue;
    }
    const suspended = a.status === 'suspended';
    const vhost = readRoot(root, `etc/nginx/sites-available/${a.domain}.conf`);
    if (vhost === null) say('no vhost');
    else if (vhost.includes('return 503') !== suspended) say(`the ${suspended ? 'live' : 'suspended'} vhost is served`);
    try {
      lstatSync(join(root, `etc/nginx/sites-enabled/${a.domain}.conf`));
    } catch {
      say('vhost not enabled');
    }
    const expiry = shadow.find((l) => l.split(':', 1)[0] === a.username)?.split(':')[7];
    if ((expiry === '1') !== suspended) say(`the user is ${suspended ? 'not ' : ''}expired (shadow expiry ${JSON.stringify(expiry)})`);
    const user = passwd.find((l) => l.split(':', 1)[0] === a.username);
    const shell = user?.split(':')[6];
    if (shell !== (suspended ? NOLOGIN_SHELL : LIVE_SHELL)) say(`shell is ${shell ?? 'missing'}`);
  }
  return problems;
}

/** Whether mail_domains agrees with each account's row: active = 1 for an active row, 0 for a suspended one, no row when the account is gone. */
export async function mailDisagreements(t: TestApp, accounts: CheckedAccount[]): Promise<string[]> {
  const problems: string[] = [];
  for (const a of accounts) {
    const rows: { active: number }[] = await t.get(DataSource).query('SELECT active FROM mail_domains WHERE domain = ?', [a.domain]);
    const want = a.status === undefined ? [] : [a.status === 'suspended' ? 0 : 1];
    const got = rows.map((r) => Number(r.active));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${a.username} (${a.status ?? 'no row'}): mail_domains.active ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  }
  return problems;
}
