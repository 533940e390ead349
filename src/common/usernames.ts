import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A hosting username becomes a Linux user, a home directory, a PHP-FPM pool and a database
 * prefix, so it is held to a narrow alphabet: 3–32 lowercase letters or digits, first a letter.
 * Nothing is normalised: what is not already valid is refused.
 */
export const USERNAME_PATTERN = /^[a-z][a-z0-9]{2,31}$/;

export const USERNAME_RULE = 'username must be 3 to 32 lowercase letters or digits, starting with a letter';

/** System and service accounts of common Linux distributions and of the hosting stack itself. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'root', 'admin', 'administrator', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news',
  'uucp', 'proxy', 'backup', 'list', 'irc', 'gnats', 'nobody', 'nogroup', 'operator', 'halt', 'shutdown',
  'sshd', 'ftp', 'sftp', 'www', 'wwwdata', 'webmaster', 'nginx', 'apache', 'apache2', 'httpd', 'php', 'phpfpm',
  'mysql', 'mariadb', 'postgres', 'redis', 'memcache', 'memcached', 'postmaster', 'postfix', 'dovecot', 'dovenull',
  'vmail', 'exim', 'clamav', 'spamd', 'opendkim', 'pdns', 'powerdns', 'named', 'bind', 'messagebus', 'syslog',
  'polkitd', 'uuidd', 'tss', 'landscape', 'pollinate', 'ntp', 'chrony', 'avahi', 'dnsmasq', 'usbmux', 'lxd',
  'hostmaster', 'abuse', 'security', 'noc', 'support', 'hostwright', 'agent', 'ubuntu', 'debian', 'centos',
  'guest', 'user', 'users', 'staff', 'wheel', 'sudo', 'adm', 'shadow', 'utmp', 'tty', 'disk', 'kmem',
  'dialout', 'cdrom', 'floppy', 'audio', 'video', 'plugdev', 'netdev', 'docker', 'git', 'letsencrypt', 'certbot',
]);

/** Prefixes owned by the system (systemd-* service users, the panel's own). */
const RESERVED_PREFIXES = ['systemd', 'hostwright'];

/** Why a username is refused, or null when it is acceptable. */
export function usernameProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !USERNAME_PATTERN.test(value)) return USERNAME_RULE;
  if (RESERVED_USERNAMES.has(value) || RESERVED_PREFIXES.some((prefix) => value.startsWith(prefix))) {
    return `username ${value} is reserved for the system`;
  }
  return null;
}

/** class-validator decorator for {@link usernameProblem}. */
export function IsHostingUsername(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHostingUsername',
      validator: {
        validate: (value) => usernameProblem(value) === null,
        defaultMessage: (args) => usernameProblem(args?.value) ?? USERNAME_RULE,
      },
    },
    options,
  );
}
