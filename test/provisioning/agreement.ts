import { join } from 'node:path';
import { lstatSync } from 'node:fs';
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
 * vhost, has no DEFER line and a login shell; a `suspended` row serves the 503 vhost, has exactly
 * one DEFER line, `nologin=y` on its Dovecot line and the nologin shell; no row → nothing left.
 * Any other status (a transitional one, failed) is a disagreement once every call has returned.
 * Answers one message per problem, prefixed with the account's username.
 */
export function disagreements(root: string, accounts: CheckedAccount[]): string[] {
  const problems: string[] = [];
  const deferLines = (readRoot(root, 'etc/postfix/hostwright-suspended') ?? '').split('\n');
  const passwd = (readRoot(root, 'etc/passwd') ?? '').split('\n');
  const dovecot = (readRoot(root, 'etc/dovecot/users') ?? '').split('\n');
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
    const defers = deferLines.filter((l) => l.split(/\s/, 1)[0] === a.domain).length;
    if (defers !== (suspended ? 1 : 0)) say(`${defers} DEFER line(s) in the suspended map`);
    const mailLine = dovecot.find((l) => l.split(':', 1)[0] === `${a.username}@${a.domain}`);
    if (!mailLine) say('no Dovecot line');
    else if (mailLine.includes('nologin=y') !== suspended) say(`Dovecot line ${suspended ? 'lacks' : 'has'} nologin=y`);
    const user = passwd.find((l) => l.split(':', 1)[0] === a.username);
    const shell = user?.split(':')[6];
    if (shell !== (suspended ? NOLOGIN_SHELL : LIVE_SHELL)) say(`shell is ${shell ?? 'missing'}`);
  }
  return problems;
}
