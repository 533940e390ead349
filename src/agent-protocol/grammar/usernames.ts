/**
 * A hosting username becomes a Linux user and group, a home directory, the `user`/`group` of a
 * PHP-FPM pool, a mailbox name and a database prefix, so it is held to a narrow alphabet —
 * 3–32 lowercase letters or digits, first a letter — and must not be a name the system or the
 * services already give a meaning to. Nothing is normalised: what is not already valid is refused.
 */
export const USERNAME_PATTERN = /^[a-z][a-z0-9]{2,31}$/;

export const USERNAME_RULE = 'username must be 3 to 32 lowercase letters or digits, starting with a letter';

/**
 * Names refused whatever the server's /etc/passwd says (README "Usernames"):
 * - system and service accounts of Debian, Ubuntu, RHEL and the hosting stack (nginx, PHP-FPM,
 *   MariaDB, Postfix, Dovecot, PowerDNS…), also where the package is not installed yet;
 * - words PHP's INI parser reads as constants: in a pool file `user = none` (also null, false,
 *   off) becomes an empty user and php-fpm refuses to start every pool; `user = yes` (also true,
 *   on) becomes "1", i.e. uid 1 (daemon);
 * - mailbox names RFC 2142 and Postfix give a role (postmaster, abuse, mailer-daemon's
 *   `mailerdaemon`, hostmaster…): the account's username is also its mailbox name.
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  // PHP INI constants (php-fpm pool `user =`/`group =`)
  'none', 'null', 'false', 'off', 'yes', 'true',
  // Linux base system
  'root', 'admin', 'administrator', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news',
  'uucp', 'proxy', 'backup', 'list', 'irc', 'gnats', 'nobody', 'nogroup', 'operator', 'halt', 'shutdown',
  'sshd', 'ftp', 'sftp', 'messagebus', 'syslog', 'polkitd', 'uuidd', 'tss', 'landscape', 'pollinate', 'ntp',
  'chrony', 'avahi', 'dnsmasq', 'usbmux', 'lxd', 'ubuntu', 'debian', 'centos', 'guest', 'user', 'users',
  'staff', 'wheel', 'sudo', 'adm', 'shadow', 'utmp', 'tty', 'disk', 'kmem', 'dialout', 'cdrom', 'floppy',
  'audio', 'video', 'plugdev', 'netdev', 'docker', 'git', 'input', 'render', 'kvm', 'crontab', 'ssh',
  'nslcd', 'rpc', 'rpcuser', 'dbus', 'apt', 'tcpdump', 'cron', 'voice', 'tape', 'fax', 'dip', 'src',
  'sasl', 'scanner', 'lpadmin', 'sambashare', 'mlocate', 'ssl', 'sslcert', 'nobody4', 'noaccess',
  // the web and PHP stack
  'www', 'wwwdata', 'webmaster', 'nginx', 'apache', 'apache2', 'httpd', 'lighttpd', 'caddy', 'php', 'phpfpm', 'fpm',
  // databases and caches
  'mysql', 'mariadb', 'postgres', 'postgresql', 'redis', 'memcache', 'memcached', 'mongodb', 'elasticsearch',
  // mail: Postfix, Dovecot, Exim, filters, and the RFC 2142 / Postfix role mailboxes
  'postmaster', 'postfix', 'postdrop', 'dovecot', 'dovenull', 'vmail', 'exim', 'clamav', 'spamd',
  'amavis', 'opendkim', 'opendmarc', 'rspamd', 'mailerdaemon', 'mailer', 'doublebounce', 'bounce', 'bounces',
  'abuse', 'hostmaster', 'security', 'noc', 'support', 'info', 'usenet', 'mailman', 'majordomo', 'listmaster',
  // DNS
  'pdns', 'powerdns', 'named', 'bind', 'unbound',
  // certificates and this panel
  'letsencrypt', 'certbot', 'acme', 'hostwright', 'agent',
]);

/** Prefixes owned by the system (systemd-* service users, the panel's own). */
export const RESERVED_PREFIXES: readonly string[] = ['systemd', 'hostwright'];

/** Why a username is refused (pattern and reserved names), or null when acceptable. Pure: see host-identities for /etc/passwd. */
export function usernameProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !USERNAME_PATTERN.test(value)) return USERNAME_RULE;
  if (RESERVED_USERNAMES.has(value) || RESERVED_PREFIXES.some((prefix) => value.startsWith(prefix))) {
    return `username ${value} is reserved for the system`;
  }
  return null;
}
