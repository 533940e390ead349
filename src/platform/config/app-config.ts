import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, EnvReader } from './env-reader';
import { packageRoot } from './package-root';
import { dataDirOf } from './data-dir';

export const APP_CONFIG = Symbol('APP_CONFIG');

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'mariadb'; url: string; host: string; port: number; username: string; password: string; database: string };

export interface AppConfig {
  host: string;
  port: number;
  /** off: plain HTTP (behind a proxy). Otherwise HTTPS with the given or a self-signed certificate. */
  tls: { enabled: boolean; certFile?: string; keyFile?: string };
  dataDir: string;
  database: DatabaseConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Encrypts secrets kept at rest (signing tokens); made under dataDir on first start when absent. */
  secretKeyFile: string;
  provisioning: {
    rootDir: string;
    templatesDir: string;
    serverIp: string;
    nameservers: string[];
    /** The `listen` of generated vhosts (`80`; the stack suite uses a loopback high port). */
    nginxListen: string;
    nginxTestCommand: string[];
    nginxReloadCommand: string[];
    phpFpmTestCommand: string[];
    phpFpmReloadCommand: string[];
    /** The group nginx's workers run as: homes and web roots are readable by it and by the owner only. */
    webGroup: string;
    /** After a reload, wait until it has taken effect (nginx: old workers retired; php-fpm: new pools listening). */
    reloadWait: boolean;
    /** The nginx master's pid file (the reload wait watches its workers). */
    nginxPidFile: string;
    /** The php-fpm master's pid file (the reload wait watches it re-execute itself). */
    phpFpmPidFile: string;
    /** How long a reload may take to take effect before the plan's reload step fails. */
    reloadTimeoutSeconds: number;
    reconcileIntervalSeconds: number;
  };
  agent: { url?: string; secret?: string; listenHost: string; listenPort: number };
  /** The MariaDB server of the accounts' databases (the agent's): separate from the panel's own database. */
  hostingDatabases: HostingDatabasesConfig;
  /** How often the usage jobs measure disk and read the access logs (seconds; 0: never, e.g. when another instance does). */
  usage: { diskIntervalSeconds: number; trafficIntervalSeconds: number };
  /** How often the health probe asks every server's agent (seconds; 0: never). */
  servers: { probeIntervalSeconds: number };
  /** Account certificates by ACME HTTP-01 (the agent holds the account key and the private keys). */
  acme: {
    /** The ACME directory: Let's Encrypt production unless set (any RFC 8555 server: Pebble, a private CA). */
    directoryUrl: string;
    /** PEM bundle trusted for the directory's HTTPS (a private ACME server such as Pebble); absent: the system's CAs. */
    caFile?: string;
    /** The ACME account's contact address. */
    email?: string;
    /** The `listen` of the vhosts' TLS side (`443`; the stack suite uses a loopback high port). */
    tlsListen: string;
    /** `self-signed`: when ACME fails, serve a self-signed certificate (the operator's explicit choice); `none`: never. */
    fallback: 'none' | 'self-signed';
    /** Renew this many days before not_after. */
    renewDays: number;
    /** How often the renewal job looks for certificates due. */
    checkIntervalSeconds: number;
    /** The first retry after a failure; doubled on each further failure up to a day. */
    retryBaseSeconds: number;
  };
  license: { publicKey?: string; file: string; checkIntervalSeconds: number; serverId?: string };
  /**
   * syncMs: how often this panel shares its request and auth-failure counts with the other panels on
   * the same MariaDB/Galera database (rate_limit_counts); 0, or SQLite: counted in this process only.
   */
  rateLimit: { limit: number; windowSeconds: number; syncMs: number };
  /** This panel's name among several on one database (HW_INSTANCE_ID, default hostname:pid): its rate_limit_counts rows. */
  instanceId: string;
  /** Failed authentications per client address per window before it gets 429; limit 0: no limit. */
  authFailures: { limit: number; windowSeconds: number };
  /** Seconds a client has to send a whole request (headers and body); slower ones are cut off. */
  requestTimeoutSeconds: number;
  /** When set, GET /metrics asks for `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  webhooks: WebhooksConfig;
}

export interface WebhooksConfig {
  /** Ranges a destination may resolve to although they are private, loopback or link-local (HW_WEBHOOK_ALLOW_CIDRS). */
  allowCidrs: { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[];
  /** How often the dispatcher looks for work another process committed (this process wakes it at once). */
  pollMs: number;
  connectTimeoutMs: number;
  /** The whole attempt: connect, send, the answer's status and up to a few KiB of its body. */
  timeoutMs: number;
  /** The first retry's delay; each later one doubles, up to retryMaxMs, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** An endpoint failing every attempt for this long is disabled (and a delivery this old is given up). */
  disableAfterMs: number;
  /** Delivered events older than this are pruned. */
  retentionDays: number;
}

function parseCidrs(list: string[]): WebhooksConfig['allowCidrs'] {
  return list.map((item) => {
    const [address, prefixText, extra] = item.split('/');
    const version = isIP(address);
    const max = version === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!version || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
      throw new ConfigError(`HW_WEBHOOK_ALLOW_CIDRS must be a comma-separated list of CIDRs such as 10.0.0.0/8 or fd00::/8 (got "${item}")`);
    }
    return { address, prefix, family: version === 6 ? 'ipv6' : 'ipv4' };
  });
}

function parseWebhooks(env: EnvReader): WebhooksConfig {
  const days = env.string('HW_WEBHOOK_DISABLE_AFTER_DAYS', '3');
  if (!/^\d+(\.\d+)?$/.test(days) || Number(days) <= 0 || Number(days) > 365) {
    throw new ConfigError(`HW_WEBHOOK_DISABLE_AFTER_DAYS must be a number of days above 0, at most 365 (got "${days}")`);
  }
  return {
    allowCidrs: parseCidrs(env.list('HW_WEBHOOK_ALLOW_CIDRS', [])),
    pollMs: env.int('HW_WEBHOOK_POLL_MS', 1000, 10, 600_000),
    connectTimeoutMs: env.int('HW_WEBHOOK_CONNECT_TIMEOUT_MS', 5000, 10, 60_000),
    timeoutMs: env.int('HW_WEBHOOK_TIMEOUT_MS', 15_000, 10, 120_000),
    retryBaseMs: env.int('HW_WEBHOOK_RETRY_BASE_MS', 5000, 1, 3_600_000),
    retryMaxMs: env.int('HW_WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 86_400_000),
    disableAfterMs: Math.round(Number(days) * 86_400_000),
    retentionDays: env.int('HW_WEBHOOK_RETENTION_DAYS', 30, 1, 3650),
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface HostingDatabasesConfig {
  server?: { host: string; port: number; user: string; password: string };
  /** The hosts each database user is created at (`'name'@'host'`). */
  userHosts: string[];
}

function parseHostingDatabases(env: EnvReader): HostingDatabasesConfig {
  const userHosts = env.list('HW_HOSTING_DB_USER_HOSTS', ['localhost', '127.0.0.1']);
  for (const host of userHosts) {
    if (!/^[A-Za-z0-9.:%_-]{1,255}$/.test(host)) throw new ConfigError('HW_HOSTING_DB_USER_HOSTS must list host names or addresses (localhost,127.0.0.1)');
  }
  const url = env.optional('HW_HOSTING_DB_URL');
  if (!url) return { userHosts };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('HW_HOSTING_DB_URL must look like mariadb://user:pass@host:3306');
  }
  if (!['mariadb:', 'mysql:'].includes(parsed.protocol) || !parsed.username || !parsed.hostname) {
    throw new ConfigError('HW_HOSTING_DB_URL must look like mariadb://user:pass@host:3306');
  }
  return {
    server: {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
    },
    userHosts,
  };
}

function parseDatabase(env: EnvReader, dataDir: string): DatabaseConfig {
  const url = env.optional('DATABASE_URL');
  if (!url) return { type: 'sqlite', path: resolve(env.string('HW_SQLITE_PATH', `${dataDir}/hostwright.sqlite`)) };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL must look like mariadb://user:pass@host:3306/database');
  }
  if (!['mariadb:', 'mysql:'].includes(parsed.protocol) || !parsed.pathname.slice(1)) {
    throw new ConfigError('DATABASE_URL must look like mariadb://user:pass@host:3306/database');
  }
  return {
    type: 'mariadb',
    url,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)),
  };
}

function parseGroupName(value: string): string {
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(value)) throw new ConfigError(`HW_WEB_GROUP must be a group name such as www-data (got "${value}")`);
  return value;
}

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

function parseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an https:// URL (got "${value}")`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`${name} must be an https:// URL (got "${value}")`);
  return value;
}

function existingFile(name: string, file: string | undefined): string | undefined {
  if (file && !existsSync(file)) throw new ConfigError(`${name} points to a missing file: ${file}`);
  return file && resolve(file);
}

function parseListen(value: string, name = 'HW_NGINX_LISTEN'): string {
  if (!/^(?:(?:\d{1,3}\.){3}\d{1,3}:|\[[0-9a-f:]+\]:)?\d{1,5}$/i.test(value) || Number(value.split(':').pop()) > 65535) {
    throw new ConfigError(`${name} must be a port or address:port (got "${value}")`);
  }
  return value;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = new EnvReader(source);
  const dataDir = dataDirOf(source);
  const certFile = env.optional('HW_TLS_CERT');
  const keyFile = env.optional('HW_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new ConfigError('HW_TLS_CERT and HW_TLS_KEY must be set together');
  for (const [name, file] of [
    ['HW_TLS_CERT', certFile],
    ['HW_TLS_KEY', keyFile],
  ] as const) {
    if (file && !existsSync(file)) throw new ConfigError(`${name} points to a missing file: ${file}`);
  }
  const agentUrl = env.optional('HW_AGENT_URL');
  const agentSecret = env.optional('HW_AGENT_SECRET');
  if (agentSecret !== undefined && agentSecret.length < 32) throw new ConfigError('HW_AGENT_SECRET must be at least 32 characters');
  if (agentUrl && !agentSecret) throw new ConfigError('HW_AGENT_URL needs HW_AGENT_SECRET');
  return {
    host: env.string('HW_HOST', '0.0.0.0'),
    port: env.int('HW_PORT', 8443, 0, 65535),
    tls: { enabled: env.bool('HW_TLS', true), certFile, keyFile },
    dataDir,
    database: parseDatabase(env, dataDir),
    logLevel: env.oneOf('HW_LOG_LEVEL', 'info', LOG_LEVELS),
    secretKeyFile: resolve(env.string('HW_SECRET_KEY_FILE', `${dataDir}/secret.key`)),
    provisioning: {
      rootDir: resolve(env.string('HW_ROOT_DIR', `${dataDir}/root`)),
      templatesDir: resolve(env.string('HW_TEMPLATES_DIR', join(packageRoot(), 'templates'))),
      serverIp: env.ipv4('HW_SERVER_IP', '127.0.0.1'),
      nameservers: env.list('HW_NAMESERVERS', ['ns1.hostwright.test', 'ns2.hostwright.test']),
      nginxListen: parseListen(env.string('HW_NGINX_LISTEN', '80')),
      nginxTestCommand: env.command('HW_NGINX_TEST_CMD'),
      nginxReloadCommand: env.command('HW_NGINX_RELOAD_CMD'),
      phpFpmTestCommand: env.command('HW_PHPFPM_TEST_CMD'),
      phpFpmReloadCommand: env.command('HW_PHPFPM_RELOAD_CMD'),
      webGroup: parseGroupName(env.string('HW_WEB_GROUP', 'www-data')),
      reloadWait: env.bool('HW_RELOAD_WAIT', true),
      nginxPidFile: resolve(env.string('HW_NGINX_PID_FILE', '/run/nginx.pid')),
      phpFpmPidFile: resolve(env.string('HW_PHPFPM_PID_FILE', '/run/php/php8.2-fpm.pid')),
      reloadTimeoutSeconds: env.int('HW_RELOAD_TIMEOUT', 10, 1, 600),
      reconcileIntervalSeconds: env.int('HW_RECONCILE_INTERVAL', 60, 1, 86400),
    },
    hostingDatabases: parseHostingDatabases(env),
    agent: {
      url: agentUrl,
      secret: agentSecret,
      listenHost: env.string('HW_AGENT_HOST', '127.0.0.1'),
      listenPort: env.int('HW_AGENT_PORT', 7443, 0, 65535),
    },
    servers: { probeIntervalSeconds: env.int('HW_SERVER_PROBE_SECONDS', 15, 0, 86400) },
    usage: {
      diskIntervalSeconds: env.int('HW_USAGE_DISK_INTERVAL', 900, 0, 86400),
      trafficIntervalSeconds: env.int('HW_USAGE_TRAFFIC_INTERVAL', 300, 0, 86400),
    },
    acme: {
      directoryUrl: parseUrl('HW_ACME_DIRECTORY_URL', env.string('HW_ACME_DIRECTORY_URL', LETS_ENCRYPT_DIRECTORY)),
      caFile: existingFile('HW_ACME_CA_FILE', env.optional('HW_ACME_CA_FILE')),
      email: env.optional('HW_ACME_EMAIL'),
      tlsListen: parseListen(env.string('HW_NGINX_TLS_LISTEN', '443'), 'HW_NGINX_TLS_LISTEN'),
      fallback: env.oneOf('HW_CERTIFICATE_FALLBACK', 'none', ['none', 'self-signed'] as const),
      renewDays: env.int('HW_CERTIFICATE_RENEW_DAYS', 30, 1, 365),
      checkIntervalSeconds: env.int('HW_CERTIFICATE_CHECK_INTERVAL', 3600, 1, 86400),
      retryBaseSeconds: env.int('HW_CERTIFICATE_RETRY_BASE', 300, 1, 86400),
    },
    license: {
      publicKey: env.optional('HW_LICENSE_PUBLIC_KEY'),
      file: resolve(env.string('HW_LICENSE_FILE', `${dataDir}/license.json`)),
      checkIntervalSeconds: env.int('HW_LICENSE_CHECK_INTERVAL', 60, 1, 86400),
      serverId: env.optional('HW_SERVER_ID'),
    },
    requestTimeoutSeconds: env.int('HW_REQUEST_TIMEOUT', 30, 1, 3600),
    rateLimit: {
      limit: env.int('HW_RATE_LIMIT', 600, 1, 1_000_000),
      windowSeconds: env.int('HW_RATE_LIMIT_WINDOW', 60, 1, 86400),
      syncMs: env.int('HW_RATE_LIMIT_SYNC_MS', 1000, 0, 60_000),
    },
    instanceId: env.string('HW_INSTANCE_ID', `${hostname()}:${process.pid}`).slice(0, 128),
    authFailures: {
      limit: env.int('HW_AUTH_FAILURE_LIMIT', 30, 0, 1_000_000),
      windowSeconds: env.int('HW_AUTH_FAILURE_WINDOW', 60, 1, 86400),
    },
    metricsToken: env.optional('HW_METRICS_TOKEN'),
    webhooks: parseWebhooks(env),
  };
}

/** Loads `.env` when present (environment wins), then the config; a bad value ends the process with one line. */
export function loadConfigOrExit(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hostwright: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
