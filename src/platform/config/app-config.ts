import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, EnvReader } from './env-reader';
import { packageRoot } from './package-root';

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
  rateLimit: { limit: number; windowSeconds: number };
  /** Failed authentications per client address per window before it gets 429; limit 0: no limit. */
  authFailures: { limit: number; windowSeconds: number };
  /** Seconds a client has to send a whole request (headers and body); slower ones are cut off. */
  requestTimeoutSeconds: number;
  /** When set, GET /metrics asks for `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  const dataDir = resolve(env.string('HW_DATA_DIR', 'var'));
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
    agent: {
      url: agentUrl,
      secret: agentSecret,
      listenHost: env.string('HW_AGENT_HOST', '127.0.0.1'),
      listenPort: env.int('HW_AGENT_PORT', 7443, 0, 65535),
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
    },
    authFailures: {
      limit: env.int('HW_AUTH_FAILURE_LIMIT', 30, 0, 1_000_000),
      windowSeconds: env.int('HW_AUTH_FAILURE_WINDOW', 60, 1, 86400),
    },
    metricsToken: env.optional('HW_METRICS_TOKEN'),
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
