// Fills a stopped install up to N accounts fast: the rows a create leaves (accounts, the zone and
// its records, mail_domains) by multi-row INSERTs, and the Linux users as passwd/group/shadow/
// gshadow lines, instead of N creates through the API.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Install } from './bench-panel';

interface Statement {
  run(...params: unknown[]): { lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
}
// better-sqlite3 ships no types in this install; the calls used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (path: string) => { prepare(sql: string): Statement; transaction(fn: () => void): () => void; close(): void };

const SKELETON: Record<string, [string, number]> = {
  passwd: ['root:x:0:0:root:/root:/bin/bash\n', 0o644],
  group: ['root:x:0:\n', 0o644],
  shadow: ['root:*:19000:0:99999:7:::\n', 0o640],
  gshadow: ['root:*::\n', 0o640],
};

/** Adds seeded accounts until the install holds `total`; returns how many it holds. */
export function seedAccounts(install: Install, total: number): number {
  const db = new Database(join(install.dataDir, 'hostwright.sqlite'));
  try {
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n;
    const have = count();
    if (have >= total) return have;
    const seeded = (db.prepare("SELECT COUNT(*) AS n FROM accounts WHERE username LIKE 'seed%'").get() as { n: number }).n;
    const names = Array.from({ length: total - have }, (_, i) => `seed${String(seeded + i).padStart(6, '0')}`);
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const account = db.prepare(
      "INSERT INTO accounts (guid, username, domain, domain_rev, email, password_hash, package_id, status, php_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'x', 1, 'active', '8.2', ?, ?)",
    );
    const zone = db.prepare("INSERT INTO domains (name, type, account) VALUES (?, 'NATIVE', ?)");
    const record = db.prepare('INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES (?, ?, ?, ?, 3600, ?, 0, 1)');
    const mail = db.prepare('INSERT INTO mail_domains (domain, account, active, created_at) VALUES (?, ?, 1, ?)');
    db.transaction(() => {
      for (const u of names) {
        const domain = `${u}.seed.test`;
        account.run(randomUUID(), u, domain, domain.split('.').reverse().join('.'), `${u}@seed.test`, now, now);
        const id = Number(zone.run(domain, u).lastInsertRowid);
        const soa = `ns1.hostwright.test. hostmaster.${domain}. 1 10800 3600 604800 3600`;
        for (const [name, type, content, prio] of [
          [domain, 'SOA', soa, 0],
          [domain, 'NS', 'ns1.hostwright.test', 0],
          [domain, 'NS', 'ns2.hostwright.test', 0],
          [domain, 'A', '127.0.0.1', 0],
          [`www.${domain}`, 'A', '127.0.0.1', 0],
          [`mail.${domain}`, 'A', '127.0.0.1', 0],
          [domain, 'MX', `mail.${domain}`, 10],
          [domain, 'TXT', '"v=spf1 mx -all"', 0],
        ] as const) {
          record.run(id, name, type, content, prio);
        }
        mail.run(domain, u, now);
      }
    })();
    seedUsers(install.rootDir, names);
    return count();
  } finally {
    db.close();
  }
}

function seedUsers(rootDir: string, names: string[]): void {
  const etc = join(rootDir, 'etc');
  mkdirSync(etc, { recursive: true });
  for (const [file, [content, mode]] of Object.entries(SKELETON)) if (!existsSync(join(etc, file))) writeFileSync(join(etc, file), content, { mode });
  if (!existsSync(join(etc, 'login.defs'))) writeFileSync(join(etc, 'login.defs'), 'UID_MIN 10000\nUID_MAX 60000\nGID_MIN 10000\nGID_MAX 60000\nUSERGROUPS_ENAB yes\n');
  // In UID_MIN..UID_MAX above every id in use, as the panel's own creates would have made them.
  const used = readFileSync(join(etc, 'passwd'), 'utf8')
    .split('\n')
    .map((l) => Number(l.split(':')[2]))
    .filter((n) => n >= 10_000 && n <= 60_000);
  const first = Math.max(9_999, ...used) + 1;
  const id = (i: number) => first + i;
  const lines = (line: (u: string, i: number) => string) => names.map((u, i) => `${line(u, i)}\n`).join('');
  appendFileSync(
    join(etc, 'passwd'),
    lines((u, i) => `${u}:x:${id(i)}:${id(i)}:hostwright:/home/${u}:/bin/bash`),
  );
  appendFileSync(
    join(etc, 'group'),
    lines((u, i) => `${u}:x:${id(i)}:`),
  );
  appendFileSync(
    join(etc, 'shadow'),
    lines((u) => `${u}:$6$seedseedseedseed$x:20000:0:99999:7:::`),
  );
  appendFileSync(
    join(etc, 'gshadow'),
    lines((u) => `${u}:!::`),
  );
}
