import { randomBytes } from 'node:crypto';
import { chmod, chown, readFile } from 'node:fs/promises';
import { runCommand } from './command-runner';
import { FileOps } from './file-ops';
import { PASSWD_FILES, PasswdDatabase } from './passwd-database';
import { addUserWithGroup, LoginDefs, parseLoginDefs, setShadowHash } from './passwd-records';

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

/** The line of `name` in a passwd-format text, found without splitting 10,000 lines. */
function lineNamed(text: string, name: string): string | null {
  const key = `${name}:`;
  const found = text.startsWith(key) ? 0 : text.indexOf(`\n${key}`);
  if (found < 0) return null;
  const at = found === 0 && text.startsWith(key) ? 0 : found + 1;
  const end = text.indexOf('\n', at);
  return text.slice(at, end < 0 ? undefined : end);
}

const CRYPT_SALT = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./';

/**
 * Linux users in rootDir's passwd files. A create and a password go through our own writer
 * (passwd-database.ts: the tools' locks, one pass over the files: useradd and chpasswd rescan
 * them, ≈13 µs per existing user, and a create at 10,000 users took 350 ms); suspension, shell
 * and delete through the distribution's usermod/userdel (`--root` for a test rootDir), run
 * between our writes.
 */
export class SystemUsers {
  private readonly db: PasswdDatabase;

  constructor(private readonly files: FileOps) {
    this.db = new PasswdDatabase(files);
  }

  /**
   * A test rootDir by chroot (`--root`), not `--prefix`: the tools then take lckpwdf() on its
   * etc/.pwd.lock before the per-file locks, as they do on `/` and as our writer does.
   */
  private get prefix(): string[] {
    return this.files.rootDir === '/' ? [] : ['--root', this.files.rootDir];
  }

  async lookup(username: string): Promise<PasswdEntry | null> {
    const line = lineNamed((await this.files.read('/etc/passwd')) ?? '', username);
    if (line === null) return null;
    const [name, , uid, gid, gecos, home, shell] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid), gecos, home, shell };
  }

  async groupExists(name: string): Promise<boolean> {
    return lineNamed((await this.files.read('/etc/group')) ?? '', name) !== null;
  }

  /**
   * `useradd -M -U -c hostwright -d /home/{user} -s /bin/bash [-p hash]`, by our writer. With a
   * password its hash goes into the same pass, so a create rewrites shadow once, not twice (the
   * second rewrite was a third of a create's user work at 10,000 users).
   */
  async create(username: string, password?: string): Promise<PasswdEntry> {
    await this.ensureSkeleton();
    const defs = parseLoginDefs(await this.files.read('/etc/login.defs'));
    const home = `/home/${username}`;
    const passwordHash = password === undefined ? undefined : await this.cryptHash(password, defs);
    const user = { name: username, gecos: USER_MARK, home, shell: LOGIN_SHELL, passwordHash };
    const id = await this.db.change(PASSWD_FILES, (t) => addUserWithGroup(t, user, defs));
    return { name: username, uid: id, gid: id, gecos: USER_MARK, home, shell: LOGIN_SHELL };
  }

  setShell(username: string, shell: string): Promise<void> {
    return this.db.exclusive(async () => {
      const entry = await this.lookup(username);
      if (!entry || entry.gecos !== USER_MARK) throw new Error(`system user ${username} is not one of ours`);
      if (entry.shell !== shell) await runCommand(['usermod', ...this.prefix, '-s', shell, '--', username]);
    });
  }

  /**
   * The account's password as chpasswd would set it: SHA512-crypt by the system's crypt(3)
   * (through the lock helper's stdin: it never enters argv, a log or an error text), written by our writer.
   */
  async setPassword(username: string, password: string): Promise<void> {
    await this.assertOurs(username);
    const hash = await this.cryptHash(password, parseLoginDefs(await this.files.read('/etc/login.defs')));
    await this.db.change(['shadow'], (t) => setShadowHash(t, username, hash));
  }

  private async cryptHash(password: string, { shaRounds }: LoginDefs): Promise<string> {
    const salt = [...randomBytes(16)].map((b) => CRYPT_SALT[b % 64]).join('');
    return this.db.helper.crypt(password, `$6$${shaRounds ? `rounds=${shaRounds}$` : ''}${salt}$`);
  }

  /**
   * Suspension of logins: the account expires (shadow field 8 = 1, 1970-01-02), which PAM's
   * pam_unix and sshd refuse for every method, password and key alike, while the hash stays as it
   * was (a password change during the suspension does not lift it). `false` clears the expiry.
   */
  setExpired(username: string, expired: boolean): Promise<void> {
    return this.db.exclusive(async () => {
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
    return this.db.exclusive(async () => {
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
      const line = lineNamed(text ?? '', name);
      return line === null ? undefined : Number(line.split(':')[2]);
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
