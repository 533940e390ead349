import { createHash } from 'node:crypto';

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest();

/**
 * The mysql_native_password hash of a password: `*` + upper hex of SHA1(SHA1(password)). What
 * `CREATE USER … IDENTIFIED BY PASSWORD '<hash>'` takes, so the clear password never leaves the panel.
 */
export function nativePasswordHash(password: string): string {
  return `*${sha1(sha1(Buffer.from(password, 'utf8')))
    .toString('hex')
    .toUpperCase()}`;
}
