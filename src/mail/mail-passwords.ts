import { hashPassword } from '../common/passwords';

/**
 * Dovecot's form of one of our argon2id hashes: `{ARGON2ID}` and the PHC string with its
 * parameters in libsodium's order. The argon2 package writes `m=…,p=…,t=…`; libsodium (Dovecot's
 * ARGON2ID on Debian) reads only `m=…,t=…,p=…` and refuses the other as a mismatch — checked with
 * `doveadm pw -t` on Debian's dovecot 2.3.19.
 */
export function dovecotHash(argon2Hash: string): string {
  const match = /^\$argon2id\$v=(\d+)\$([^$]+)\$([^$]+)\$([^$]+)$/.exec(argon2Hash);
  if (!match) throw new Error('not an argon2id hash');
  const params = Object.fromEntries(match[2].split(',').map((kv) => kv.split('=') as [string, string]));
  return `{ARGON2ID}$argon2id$v=${match[1]}$m=${params.m},t=${params.t},p=${params.p}$${match[3]}$${match[4]}`;
}

/** A mailbox password as stored: argon2id (the panel's own hashing), in Dovecot's form. */
export async function mailboxPasswordHash(password: string): Promise<string> {
  return dovecotHash(await hashPassword(password));
}
