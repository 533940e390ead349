import { chmod, chown } from 'node:fs/promises';
import { dirname } from 'node:path';
import { accountPaths, MAIL_BASE, maildirOf, VMAIL_UID } from '../system/account-paths';
import { settingsFor, zoneRecords } from '../system/dns-zone';
import { PlanTarget } from '../../agent-protocol/safe-values';
import { Step, StepDeps } from './step';

/**
 * PHP functions a pool disables unless a package relaxes it (`{{disable_functions}}`): running
 * programs (the exec family, process control) and putenv (LD_PRELOAD + mail() runs one anyway).
 */
export const DISABLED_FUNCTIONS = 'exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec,pcntl_fork,putenv,dl,imap_open';

/** The template values; a removal's target has no email, so its (discarded) renders get none. */
export const values = (t: PlanTarget): Record<string, string> => ({
  username: t.username,
  domain: t.domain,
  php_version: t.php_version,
  disable_functions: DISABLED_FUNCTIONS,
  ...(t.email === undefined ? {} : { email: t.email }),
});

/** A step made of several writes removes its own partial work before reporting the failure. */
async function cleanOnFailure(clean: () => Promise<void>, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await clean().catch(() => undefined);
    throw error;
  }
}

export function userStep({ users }: StepDeps): Step {
  return {
    name: 'user',
    // The plan's password goes in with the user (useradd -p): one rewrite of shadow, not two.
    async apply(input) {
      await users.create(input.target.username, input.secrets?.password);
      input.passwordWritten = input.secrets?.password !== undefined;
    },
    undo: ({ target }) => users.remove(target.username),
  };
}

/**
 * The home: the owner and nginx's group only. `home/` 0710 and `public_html/` 2750, both
 * `{user}:{web group}` (nginx traverses to the web root and reads it; setgid: what the account
 * adds there gets the web group too), files 0640; `logs/` 0750 and `tmp/` 0700 are the account's
 * own. The pool runs as the owner; any other account's uid gets EACCES at the home itself.
 */
export function homeStep({ files, users, renderer, webGroup }: StepDeps): Step {
  return {
    name: 'home',
    async apply({ target }) {
      const p = accountPaths(target);
      const index = renderer.render('index.html', values(target));
      const entry = await users.lookup(target.username);
      if (!entry) throw new Error(`system user ${target.username} is missing`);
      if (await files.exists(p.home)) throw new Error(`${p.home} already exists`);
      const web = process.getuid?.() === 0 ? await users.groupId(webGroup) : entry.gid;
      await files.mkdir(dirname(p.home), 0o755);
      await cleanOnFailure(
        () => files.removeTree(p.home),
        async () => {
          const dirs = [
            [p.home, web, 0o710],
            [p.publicHtml, web, 0o2750],
            [p.logs, entry.gid, 0o750],
            [p.tmp, entry.gid, 0o700],
          ] as const;
          for (const [dir, gid, mode] of dirs) await users.own(await files.mkdir(dir, 0o700), entry, gid, mode);
          await files.writeAtomic(p.index, index, 0o640);
          await users.own(files.path(p.index), entry, web, 0o640);
        },
      );
    },
    undo: ({ target }) => files.removeTree(accountPaths(target).home),
  };
}

export function phpPoolStep({ files, renderer, reloads }: StepDeps): Step {
  return {
    name: 'php_pool',
    apply: ({ target }) => {
      const pool = renderer.render('php-fpm-pool.conf', values(target));
      return reloads.editing(() => files.writeAtomic(accountPaths(target).pool, pool));
    },
    undo: ({ target }) => reloads.editing(() => files.removeFile(accountPaths(target).pool)),
    stages: ({ target }) => [{ path: files.path(accountPaths(target).pool), service: 'php-fpm' }],
    services: ['php-fpm'],
  };
}

export function vhostStep({ files, renderer, reloads }: StepDeps): Step {
  const undo: Step['undo'] = ({ target }) =>
    reloads.editing(async () => {
      const p = accountPaths(target);
      await files.removeFile(p.vhostLink);
      await files.removeFile(p.vhost);
      for (const log of p.webLogs) await files.removeFile(log);
    });
  return {
    name: 'vhost',
    async apply(input) {
      const p = accountPaths(input.target);
      // A certificate left from an earlier account of this domain is not trusted: a create's vhost is plain HTTP.
      const vhost = renderer.render('nginx-vhost.conf', values(input.target), { tls: false });
      await cleanOnFailure(
        () => undo(input),
        () =>
          reloads.editing(async () => {
            await files.mkdir(p.webLogDir, 0o755);
            await files.writeAtomic(p.vhost, vhost);
            await files.symlinkAtomic(p.vhostLink, p.vhostLinkTarget);
          }),
      );
    },
    undo,
    stages: ({ target }) => [{ path: files.path(accountPaths(target).vhost), service: 'nginx' }],
    services: ['nginx'],
  };
}

export function dnsStep({ dns, zone }: StepDeps): Step {
  return {
    name: 'dns',
    apply: ({ target, host }) => dns.create(target.domain, target.username, zoneRecords(target.domain, settingsFor(zone, host))),
    undo: ({ target }) => dns.remove(target.domain),
  };
}

/**
 * The domain's mail: its row in mail_domains (Postfix and Dovecot query it, see mail-store.ts) and
 * its maildir parent. /var/mail/vdomains is root's 0755 (traversable); the domain's directory is
 * vmail's 0770, where Postfix's virtual delivery (as vmail) creates each mailbox's Maildir on
 * first delivery and Dovecot (as vmail) reads it. Undo takes the rows and every stored message.
 */
export function mailStep({ files, mail }: StepDeps): Step {
  const undo: Step['undo'] = async ({ target }) => {
    await mail.remove(target.domain);
    await files.removeTree(accountPaths(target).mailDir);
  };
  return {
    name: 'mail',
    async apply(input) {
      const { target } = input;
      const p = accountPaths(target);
      if (await files.exists(p.mailDir)) throw new Error(`${p.mailDir} already exists`);
      await cleanOnFailure(
        () => undo(input),
        async () => {
          await chmod(await files.mkdir(p.mailBase, 0o755), 0o755);
          const dir = await files.mkdir(p.mailDir, 0o770);
          if (process.getuid?.() === 0) await chown(dir, VMAIL_UID, VMAIL_UID);
          await chmod(dir, 0o770);
          await mail.create(target.domain, target.username);
        },
      );
    },
    undo,
  };
}

/**
 * The Linux user's password (so SFTP takes it), from the plan's secrets, hashed by the system's
 * crypt(3) as chpasswd would (SystemUsers.setPassword); in a create, already written by the user step. A plan without the secret leaves the password as it is (useradd's `!`: no password login). Nothing to undo.
 */
export function passwordStep({ users }: StepDeps): Step {
  return {
    name: 'password',
    async apply({ target, secrets, passwordWritten }) {
      if (secrets?.password !== undefined && !passwordWritten) await users.setPassword(target.username, secrets.password);
    },
    undo: async () => undefined,
  };
}

/** remove_mailbox: the mailbox's maildir and every message in it (its row is the panel's, already gone). */
export function mailboxStep({ files }: StepDeps): Step {
  return {
    name: 'mailbox',
    apply: async () => undefined,
    async undo({ target, mailbox }) {
      if (mailbox === undefined) throw new Error('remove_mailbox needs the mailbox');
      await files.removeTree(`${MAIL_BASE}/${maildirOf(target.domain, mailbox)}`);
    },
  };
}

/** Ends every plan that touched nginx or PHP-FPM: validate, then reload (coalesced) until it has taken effect. Nothing to undo. */
export function reloadStep({ reloads }: StepDeps): Step {
  return {
    name: 'reload',
    apply: ({ reload }) => reloads.request(reload),
    undo: async () => undefined,
  };
}
