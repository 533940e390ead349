import { MAIL_BASE } from '../../agent-protocol/mail-paths';
import { SafeTarget } from '../../agent-protocol/safe-values';

export { MAIL_BASE, maildirOf } from '../../agent-protocol/mail-paths';

/** Where an account's pieces live, as server paths (prefixed with rootDir by FileOps). */
export function accountPaths(t: Pick<SafeTarget, 'username' | 'domain' | 'php_version'>, phpVersion = t.php_version) {
  return {
    home: `/home/${t.username}`,
    publicHtml: `/home/${t.username}/public_html`,
    index: `/home/${t.username}/public_html/index.html`,
    logs: `/home/${t.username}/logs`,
    tmp: `/home/${t.username}/tmp`,
    pool: `/etc/php/${phpVersion}/fpm/pool.d/${t.domain}.conf`,
    vhost: `/etc/nginx/sites-available/${t.domain}.conf`,
    vhostLink: `/etc/nginx/sites-enabled/${t.domain}.conf`,
    vhostLinkTarget: `../sites-available/${t.domain}.conf`,
    // nginx writes these as root: never inside the tenant's home, where a symlink could redirect them.
    webLogDir: '/var/log/nginx',
    webLogs: [`/var/log/nginx/${t.domain}.access.log`, `/var/log/nginx/${t.domain}.error.log`],
    mailBase: MAIL_BASE,
    mailDir: `${MAIL_BASE}/${t.domain}`,
    // What an issuance makes (certbot's layout, so the seed's delete path holds): the key and chain in live/,
    // Hostwright's record of the issuance in renewal/, the HTTP-01 tokens outside the tenant's home.
    certificateLive: `/etc/letsencrypt/live/${t.domain}`,
    acmeChallengeDir: `/var/lib/hostwright/acme-challenge/${t.domain}`,
    certificateDirs: [`/etc/letsencrypt/live/${t.domain}`, `/etc/letsencrypt/archive/${t.domain}`, `/var/lib/hostwright/acme-challenge/${t.domain}`],
    certificateRenewal: `/etc/letsencrypt/renewal/${t.domain}.conf`,
  };
}

/** The owner of every maildir: Postfix's virtual delivery and Dovecot run as this uid/gid (README: the vmail user). */
export const VMAIL_UID = 5000;
