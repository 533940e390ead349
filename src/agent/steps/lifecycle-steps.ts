import { tlsFlags } from '../certificates/tls-files';
import { accountPaths } from '../system/account-paths';
import { keyBeforeColon, keyBeforeSpace } from '../system/file-ops';
import { LOGIN_SHELL, NOLOGIN_SHELL } from '../system/system-users';
import { mailKey, values } from './create-steps';
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

export function shellNologinStep({ users }: StepDeps): Step {
  return {
    name: 'shell_nologin',
    apply: ({ target }) => users.setShell(target.username, NOLOGIN_SHELL),
    undo: ({ target }) => users.setShell(target.username, LOGIN_SHELL),
  };
}

/**
 * Mail of a suspended account temp-fails: the domain gets a `DEFER` line in the Postfix access
 * map /etc/postfix/hostwright-suspended (smtpd answers 450, senders retry) and the Dovecot
 * passdb line gets `nologin=y` (logins refused). Undo removes the one line and rewrites the
 * original Dovecot line. Both edits leave other lines' bytes alone; undo of an absent account is a no-op.
 */
export function mailDeferredStep({ files, renderer }: StepDeps): Step {
  return {
    name: 'mail_deferred',
    async apply({ target }) {
      const p = accountPaths(target);
      const dovecot = renderer.render('dovecot-users-suspended.line', values(target));
      const deferred = renderer.render('postfix-suspended.line', values(target));
      await files.editLine(p.dovecotUsers, mailKey(target), dovecot, keyBeforeColon, true);
      await files.editLine(p.postfixSuspended, target.domain, deferred, keyBeforeSpace);
    },
    async undo({ target }) {
      const p = accountPaths(target);
      const dovecot = renderer.render('dovecot-users.line', values(target));
      await files.editLine(p.postfixSuspended, target.domain, null, keyBeforeSpace);
      await files.editLine(p.dovecotUsers, mailKey(target), dovecot, keyBeforeColon, true);
    },
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

/** Nothing at create; delete drops the account's `{username}_…` MariaDB databases. */
export function databasesStep({ databases }: StepDeps): Step {
  return {
    name: 'databases',
    apply: async () => undefined,
    undo: ({ target }) => databases.dropAll(target.username),
  };
}
