import { chmod, chown, readFile } from 'node:fs/promises';
import { runCommand } from './command-runner';
import { FileOps } from './file-ops';
import { KeyedMutex } from './keyed-mutex';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/** Every user we create carries this GECOS, and we never delete a user without it. */
export const USER_MARK = 'hostwright';
export const LOGIN_SHELL = '/bin/bash';
export const NOLOGIN_SHELL = '/usr/sbin/nologin';

const SKELETON: Record<string, string> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n',
  '/etc/group': 'root:x:0:\n',
  '/etc/shadow': 'root:*:19000:0:99999:7:::\n',
  '/etc/gshadow': 'root:*::\n',
  '/etc/login.defs': 'UID_MIN 10000\nUID_MAX 60000\nGID_MIN 10000\nGID_MAX 60000\nUSERGROUPS_ENAB yes\n',
};

/**
 * Linux users through the distribution's own useradd/usermod/userdel, acting on rootDir's
 * passwd files via `--prefix` (no prefix when rootDir is `/`). One at a time: the tools lock
 * the files themselves and fail rather than wait.
 */
export class SystemUsers {
  private readonly lock = new KeyedMutex();

  constructor(private readonly files: FileOps) {}

  private get prefix(): string[] {
    return this.files.rootDir === '/' ? [] : ['--prefix', this.files.rootDir];
  }

  createArgv(username: string): string[] {
    return ['useradd', ...this.prefix, '-M', '-U', '-c', USER_MARK, '-d', `/home/${username}`, '-s', LOGIN_SHELL, '--', username];
  }

  /** chpasswd reads `user:password` on stdin; `--root` chroots into a test rootDir (it has no --prefix). */
  passwordArgv(): string[] {
    return ['chpasswd', ...(this.files.rootDir === '/' ? [] : ['--root', this.files.rootDir]), '--crypt-method', 'SHA512'];
  }

  async lookup(username: string): Promise<PasswdEntry | null> {
    const passwd = (await this.files.read('/etc/passwd')) ?? '';
    for (const line of passwd.split('\n')) {
      const [name, , uid, gid, gecos, home, shell] = line.split(':');
      if (name === username) return { name, uid: Number(uid), gid: Number(gid), gecos, home, shell };
    }
    return null;
  }

  async groupExists(name: string): Promise<boolean> {
    const group = (await this.files.read('/etc/group')) ?? '';
    return group.split('\n').some((line) => line.split(':', 1)[0] === name);
  }

  create(username: string): Promise<PasswdEntry> {
    return this.lock.run('passwd', async () => {
      await this.ensureSkeleton();
      if (await this.lookup(username)) throw new Error(`system user ${username} already exists`);
      if (await this.groupExists(username)) throw new Error(`system group ${username} already exists`);
      await runCommand(this.createArgv(username));
      const entry = await this.lookup(username);
      if (!entry) throw new Error(`useradd did not create ${username}`);
      return entry;
    });
  }

  setShell(username: string, shell: string): Promise<void> {
    return this.lock.run('passwd', async () => {
      const entry = await this.lookup(username);
      if (!entry || entry.gecos !== USER_MARK) throw new Error(`system user ${username} is not one of ours`);
      if (entry.shell !== shell) await runCommand(['usermod', ...this.prefix, '-s', shell, '--', username]);
    });
  }

  /**
   * The account's password, hashed by the system's own chpasswd (SHA512-crypt into shadow), read
   * from stdin: it never enters argv, a log or an error text (chpasswd names the line, not the value).
   */
  setPassword(username: string, password: string): Promise<void> {
    return this.lock.run('passwd', async () => {
      await this.assertOurs(username);
      await runCommand(this.passwordArgv(), 30_000, `${username}:${password}\n`);
    });
  }

  /**
   * Suspension of logins: the account expires (shadow field 8 = 1, 1970-01-02), which PAM's
   * pam_unix and sshd refuse for every method, password and key alike, while the hash stays as it
   * was (a password change during the suspension does not lift it). `false` clears the expiry.
   */
  setExpired(username: string, expired: boolean): Promise<void> {
    return this.lock.run('passwd', async () => {
      await this.assertOurs(username);
      await runCommand(['usermod', ...this.prefix, '--expiredate', expired ? '1' : '', '--', username]);
    });
  }

  private async assertOurs(username: string): Promise<void> {
    const entry = await this.lookup(username);
    if (!entry || entry.gecos !== USER_MARK) throw new Error(`system user ${username} is not one of ours`);
  }

  /** Deletes the user and its group, only when it is one we made; absent is fine. */
  remove(username: string): Promise<void> {
    return this.lock.run('passwd', async () => {
      const entry = await this.lookup(username);
      if (entry && entry.gecos !== USER_MARK) throw new Error(`system user ${username} was not made by hostwright; left alone`);
      if (entry) await runCommand(['userdel', ...this.prefix, '--', username]);
      if (entry && (await this.groupExists(username))) await runCommand(['groupdel', ...this.prefix, '--', username]);
    });
  }

  /**
   * The gid of a host group such as nginx's (HW_WEB_GROUP): rootDir's /etc/group, and for a test
   * rootDir the host's as well, where the services that read the files are.
   */
  async groupId(name: string): Promise<number> {
    const find = (text: string | null) => {
      const line = (text ?? '').split('\n').find((l) => l.split(':', 1)[0] === name);
      return line === undefined ? undefined : Number(line.split(':')[2]);
    };
    let gid = find(await this.files.read('/etc/group'));
    if (gid === undefined && this.files.rootDir !== '/') gid = find(await readFile('/etc/group', 'utf8').catch(() => null));
    if (gid === undefined || !Number.isInteger(gid)) throw new Error(`group ${name} (HW_WEB_GROUP) does not exist`);
    return gid;
  }

  /**
   * Owner, group and mode of a path the account owns: the user and `gid` (its own group or the
   * web server's) when we run as root (a dev machine keeps its own owner), then the mode, set
   * explicitly (no umask, setgid kept: a chown may clear it).
   */
  async own(fullPath: string, entry: PasswdEntry, gid: number, mode: number): Promise<void> {
    if (process.getuid?.() === 0) await chown(fullPath, entry.uid, gid);
    await chmod(fullPath, mode);
  }

  /** A test rootDir starts empty: give the tools the files they expect. Never touches an existing file. */
  private async ensureSkeleton(): Promise<void> {
    if (this.files.rootDir === '/') return;
    for (const [path, content] of Object.entries(SKELETON)) {
      if (!(await this.files.exists(path))) {
        await this.files.writeAtomic(path, content, path.includes('shadow') ? 0o640 : 0o644);
      }
    }
  }
}
