import { tlsFlags } from '../certificates/tls-files';
import { accountPaths } from '../system/account-paths';
import { LOGIN_SHELL, NOLOGIN_SHELL } from '../system/system-users';
import { values } from './create-steps';
import { Step, StepDeps } from './step';

/**
 * Suspend swaps the 503 vhost in; undo renders the active one again (same bytes as at create, plus
 * the TLS side when a certificate is installed: a suspended account keeps its certificate and answers 503 over HTTPS too).
 */
export function vhostSuspendedStep({ files, renderer, reloads }: StepDeps): Step {
  const write = async (target: Parameters<Step['apply']>[0]['target'], template: 'nginx-vhost.conf' | 'nginx-vhost-suspended.conf') => {
    const vhost = renderer.render(template, values(target), await tlsFlags(files, target.domain));
    return reloads.editing(() => files.writeAtomic(accountPaths(target).vhost, vhost));
  };
  return {
    name: 'vhost_suspended',
    apply: ({ target }) => write(target, 'nginx-vhost-suspended.conf'),
    undo: ({ target }) => write(target, 'nginx-vhost.conf'),
    services: ['nginx'],
  };
}

/** Suspension of logins: the nologin shell and an expired account (SSH and SFTP refused by any method); undo restores both. */
export function shellNologinStep({ users }: StepDeps): Step {
  return {
    name: 'shell_nologin',
    async apply({ target }) {
      await users.setShell(target.username, NOLOGIN_SHELL);
      await users.setExpired(target.username, true);
    },
    async undo({ target }) {
      await users.setExpired(target.username, false);
      await users.setShell(target.username, LOGIN_SHELL);
    },
  };
}

/**
 * Mail of a suspended account temp-fails: mail_domains.active = 0, which Postfix's
 * check_recipient_access query turns into `450 4.7.1` (senders retry) and Dovecot's passdb query
 * into a refused login, on the very next lookup. Undo sets it back to 1. An absent domain is a no-op.
 */
export function mailDeferredStep({ mail }: StepDeps): Step {
  return {
    name: 'mail_deferred',
    apply: ({ target }) => mail.setActive(target.domain, false),
    undo: ({ target }) => mail.setActive(target.domain, true),
  };
}

/** Writes the pool for the new PHP version and removes the old one; undo puts the old one back. */
export function phpVersionStep({ files, renderer, reloads }: StepDeps): Step {
  const swap = async (target: Parameters<Step['apply']>[0]['target'], from: string, to: string) => {
    const pool = renderer.render('php-fpm-pool.conf', values(target));
    await reloads.editing(async () => {
      await files.writeAtomic(accountPaths(target, to).pool, pool);
      if (from !== to) await files.removeFile(accountPaths(target, from).pool);
    });
  };
  return {
    name: 'php_version',
    apply: ({ target, fromPhpVersion }) => swap(target, fromPhpVersion ?? target.php_version, target.php_version),
    undo: ({ target, fromPhpVersion }) => swap(target, target.php_version, fromPhpVersion ?? target.php_version),
    // A new version's pool is a new file; the same version rewritten is not.
    stages: ({ target, fromPhpVersion }) =>
      (fromPhpVersion ?? target.php_version) === target.php_version ? [] : [{ path: files.path(accountPaths(target).pool), service: 'php-fpm' }],
    services: ['php-fpm'],
  };
}

/** Nothing at create; delete removes every file a certificate issuance made (live/, archive/, renewal/, the challenge tokens). */
export function certificateStep({ files }: StepDeps): Step {
  return {
    name: 'certificate',
    apply: async () => undefined,
    async undo({ target }) {
      const p = accountPaths(target);
      for (const dir of p.certificateDirs) await files.removeTree(dir);
      await files.removeFile(p.certificateRenewal);
    },
  };
}

/**
 * Nothing at create; delete drops the account's `{username}_…` MariaDB databases and users (their
 * grants go with them) and fails, naming what is left, when the server keeps any.
 */
export function databasesStep({ databases }: StepDeps): Step {
  return {
    name: 'databases',
    apply: async () => undefined,
    undo: ({ target }) => databases.dropAccount(target.username, { databases: target.databases ?? [], users: target.database_users ?? [] }),
  };
}
