import { EntityManager } from 'typeorm';
import { parentDomains, reversedLabels } from '../agent-protocol/grammar';
import { DomainError } from '../common/errors/domain-error';

/**
 * One account's hostnames must not shadow another's (issue 14). An account's domain D brings
 * D, www.D, mail.D (its MX target) into DNS and nginx, so a new domain C is refused (409 on
 * `domain`) when it is equal to, under or above any account's domain — whatever the other's status.
 *
 * One query on the unique index of `domain_rev` (the labels reversed, with a trailing dot):
 *   - C's parents: `domain_rev IN (rev(P1), rev(P2), …)` — point lookups;
 *   - C itself and its children: `domain_rev >= rev(C) AND domain_rev < rev(C) with its final
 *     '.' raised to '/'` — a range scan: every string that starts with rev(C), nothing else
 *     (the column is binary-collated on MariaDB, as SQLite's is by default).
 * The cost depends on the number of C's labels, not on the number of accounts.
 *
 * Race safety: it runs inside the create's transaction right after the licence seat lock, which
 * every create takes (an UPDATE of license_state row 1 on MariaDB, which also makes creates on
 * two Galera nodes conflict at commit; on SQLite the transactions run one at a time). So two creates that could overlap — a parent and its child — are serialised:
 * the second one's check runs after the first committed or rolled back. On MariaDB the check is
 * a locking read (LOCK IN SHARE MODE) so it sees that commit even if the transaction's snapshot
 * is older. An equal domain is also refused by the unique index on `domain` at insert.
 */
export async function assertNoDomainOverlap(em: EntityManager, domain: string, locking: boolean): Promise<void> {
  const rev = reversedLabels(domain);
  const parents = parentDomains(domain).map(reversedLabels);
  const upTo = `${rev.slice(0, -1)}/`;
  const inList = parents.length ? `domain_rev IN (${parents.map(() => '?').join(', ')}) OR ` : '';
  const rows: { domain: string }[] = await em.query(
    `SELECT domain FROM accounts WHERE ${inList}(domain_rev >= ? AND domain_rev < ?) LIMIT 1${locking ? ' LOCK IN SHARE MODE' : ''}`,
    [...parents, rev, upTo],
  );
  if (!rows.length) return;
  const other = rows[0].domain;
  if (other === domain) throw DomainError.taken('domain', `The domain ${domain} is already in use on this server`);
  if (domain.endsWith(`.${other}`)) throw DomainError.conflict(`The domain ${domain} is under the domain of another account on this server`, 'domain');
  throw DomainError.conflict(`The domain ${domain} is a parent of another account's domain on this server`, 'domain');
}
