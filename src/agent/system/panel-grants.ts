/**
 * The tables of the panel's database an agent writes, and what it needs on each: PowerDNS's
 * zone rows (dns-zone.ts, dns-records.ts), Postfix's and Dovecot's mail domains (mail-store.ts,
 * whose removal also takes the domain's mailboxes and forwarders), and a read of TypeORM's
 * `migrations` (the start checks the schema is current; it never migrates with these grants).
 * In a fleet each agent connects with a MariaDB user holding exactly these (README "A fleet of
 * servers"): an agent broken into can touch zones and mail domains, not accounts, tokens or licences.
 */
export const AGENT_TABLE_PRIVILEGES: Readonly<Record<string, string>> = {
  domains: 'SELECT, INSERT, UPDATE, DELETE',
  records: 'SELECT, INSERT, UPDATE, DELETE',
  comments: 'SELECT, DELETE',
  domainmetadata: 'SELECT, DELETE',
  cryptokeys: 'SELECT, DELETE',
  mail_domains: 'SELECT, INSERT, UPDATE, DELETE',
  mailboxes: 'SELECT, DELETE',
  mail_aliases: 'SELECT, DELETE',
  migrations: 'SELECT',
};

/** The GRANT statements for an agent's user (README carries them for `'hw_agent'@'10.0.0.%'` on `hostwright`). */
export function agentGrantStatements(user: string, host: string, database: string): string[] {
  return Object.entries(AGENT_TABLE_PRIVILEGES).map(([table, privileges]) => `GRANT ${privileges} ON \`${database}\`.\`${table}\` TO '${user}'@'${host}';`);
}
