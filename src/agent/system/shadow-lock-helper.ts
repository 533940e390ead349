import { ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * glibc's lckpwdf() is an fcntl(F_SETLKW) write lock on `/etc/.pwd.lock` (15 s timeout), and
 * shadow-utils takes it before its own `<file>.lock` files. Node has no fcntl, so a small Perl
 * process (perl-base is Essential on Debian; Fcntl ships with it) holds the lock for us, and
 * computes crypt(3) with the system's libcrypt, the one chpasswd uses. The kernel drops the lock
 * when the helper exits, so a panel that dies mid-write never leaves it held.
 */
const SCRIPT = String.raw`
use strict; use Fcntl qw(F_SETLKW F_WRLCK SEEK_SET O_WRONLY O_CREAT);
$| = 1; my $fh;
while (my $line = <STDIN>) {
  chomp $line;
  my ($cmd, @a) = split / /, $line;
  if ($cmd eq 'L') {
    my $ok = eval {
      local $SIG{ALRM} = sub { die "timed out after 15 s\n" };
      sysopen($fh, pack('H*', $a[0]), O_WRONLY | O_CREAT, 0600) or die "open: $!\n";
      alarm 15;
      my $lk = pack('s s x4 q q i x4', F_WRLCK, SEEK_SET, 0, 0, 0);
      fcntl($fh, F_SETLKW, $lk) or die "fcntl: $!\n";
      alarm 0; 1;
    };
    alarm 0;
    if ($ok) { print "ok\n" } else { my $e = $@; chomp $e; close $fh if $fh; undef $fh; print "err $e\n" }
  } elsif ($cmd eq 'U') { close $fh if $fh; undef $fh; print "ok\n" }
  elsif ($cmd eq 'C') { my $h = crypt(pack('H*', $a[1]), $a[0]); print((defined $h && $h =~ /^\$/) ? "ok $h\n" : "err crypt(3) refused the setting\n") }
  else { print "err unknown command\n" }
}
`;

/** The helper exits after this long with nothing asked; the next request starts it again. */
const IDLE_MS = 60_000;

interface Pending {
  resolve: (answer: string) => void;
  reject: (error: Error) => void;
}

/** One helper per passwd database; its requests are answered in order. */
export class ShadowLockHelper {
  private child: ChildProcess | null = null;
  private readonly pending: Pending[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  /** lckpwdf() on `lockPath` (`<root>/etc/.pwd.lock`): waits while another process holds it, up to 15 s. */
  lock(lockPath: string): Promise<void> {
    return this.ask(`L ${Buffer.from(lockPath, 'utf8').toString('hex')}`).then(() => undefined);
  }

  unlock(): Promise<void> {
    return this.ask('U').then(() => undefined);
  }

  /** crypt(3) of `password` with `setting` (`$6$salt$`, optionally `$6$rounds=N$salt$`). */
  crypt(password: string, setting: string): Promise<string> {
    if (!/^\$6\$(rounds=\d+\$)?[A-Za-z0-9./]{1,16}\$$/.test(setting)) return Promise.reject(new Error('bad crypt setting'));
    return this.ask(`C ${setting} ${Buffer.from(password, 'utf8').toString('hex')}`);
  }

  private ask(line: string): Promise<string> {
    clearTimeout(this.idleTimer);
    const child = this.child ?? this.start();
    this.keepAlive(child, true);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin!.write(`${line}\n`);
    });
  }

  private start(): ChildProcess {
    const child = spawn('perl', ['-e', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    this.child = child;
    child.stdin!.on('error', () => undefined); // it died: 'exit' fails what was waiting
    createInterface({ input: child.stdout! }).on('line', (line) => this.settle(line));
    child.once('error', (error) => this.lost(child, error.message));
    child.once('exit', () => this.lost(child, 'the passwd lock helper (perl) stopped'));
    return child;
  }

  private settle(line: string): void {
    const waiter = this.pending.shift();
    if (!waiter) return;
    if (line === 'ok' || line.startsWith('ok ')) waiter.resolve(line.slice(3));
    else waiter.reject(new Error(`passwd lock helper: ${line.replace(/^err /, '')}`));
    if (this.pending.length === 0 && this.child) this.idle(this.child);
  }

  private idle(child: ChildProcess): void {
    this.keepAlive(child, false);
    this.idleTimer = setTimeout(() => {
      if (this.child === child && this.pending.length === 0) {
        this.child = null;
        child.stdin!.end();
      }
    }, IDLE_MS).unref();
  }

  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    for (const w of this.pending.splice(0)) w.reject(new Error(why));
  }

  private keepAlive(child: ChildProcess, on: boolean): void {
    for (const handle of [child, child.stdin as Socket, child.stdout as Socket]) {
      if (on) handle.ref();
      else handle.unref();
    }
  }
}
