import { ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../platform/config/package-root';
import type { RelayAnswer } from './command-relay.child';

export class CommandFailedError extends Error {
  constructor(
    readonly argv: string[],
    readonly detail: string,
  ) {
    super(`${argv[0]} failed: ${detail}`);
  }
}

/** The relay exits after this long without a command; the next command starts it again. */
const RELAY_IDLE_MS = 60_000;

interface Waiter {
  argv: string[];
  resolve: (stdout: string) => void;
  reject: (error: Error) => void;
}

/**
 * Runs commands through one small long-lived child process instead of forking the panel.
 * A fork write-protects every page of the forking process, so each page the panel writes
 * afterwards takes a copy-on-write fault; on a VM that is ~15 µs a page, and after one useradd
 * the next create paid 60–80 ms of faults (argon2's 19 MiB alone is ~4,900 pages). The relay is
 * small, so its own forks are cheap, and the panel forks once, when the relay starts.
 */
class CommandRelay {
  private child: ChildProcess | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiter>();
  private idleTimer: NodeJS.Timeout | undefined;

  run(argv: string[], timeoutMs: number, input?: string): Promise<string> {
    clearTimeout(this.idleTimer);
    const child = this.child ?? this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { argv, resolve, reject });
      this.keepAlive(child, true);
      child.stdin!.write(`${JSON.stringify({ id, argv, timeoutMs, input })}\n`);
    });
  }

  private start(): ChildProcess {
    // From the package root: the bundle (dist/hostwright.js) runs the relay from the regular build.
    const script = join(packageRoot(), 'dist/src/agent/system/command-relay.child.js');
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    child.stdin!.on('error', () => undefined); // it died: 'exit' fails what was waiting
    createInterface({ input: child.stdout! }).on('line', (line) => this.settle(line));
    child.once('error', () => this.lost(child));
    child.once('exit', () => this.lost(child));
    return child;
  }

  private settle(line: string): void {
    let answer: RelayAnswer;
    try {
      answer = JSON.parse(line) as RelayAnswer;
    } catch {
      return;
    }
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    if (answer.ok) waiter.resolve(answer.stdout);
    else waiter.reject(new CommandFailedError(waiter.argv, answer.detail.slice(0, 2000)));
    if (this.waiting.size === 0 && this.child) this.idle(this.child);
  }

  /** Nothing under way: let the process exit without waiting for the relay, and stop it after a while. */
  private idle(child: ChildProcess): void {
    this.keepAlive(child, false);
    this.idleTimer = setTimeout(() => {
      if (this.child === child && this.waiting.size === 0) {
        this.child = null;
        child.stdin!.end();
      }
    }, RELAY_IDLE_MS).unref();
  }

  private lost(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = null;
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiters) w.reject(new CommandFailedError(w.argv, 'the command relay stopped before the command answered'));
  }

  private keepAlive(child: ChildProcess, on: boolean): void {
    for (const handle of [child, child.stdin as Socket, child.stdout as Socket]) {
      if (on) handle.ref();
      else handle.unref();
    }
  }
}

const relay = new CommandRelay();

/**
 * Runs one command from an argument array (no shell, ever); rejects with its stderr on a non-zero
 * exit. `input` goes to its stdin: how a secret reaches a tool (chpasswd) without entering argv.
 */
export function runCommand(argv: string[], timeoutMs = 120_000, input?: string): Promise<string> {
  if (argv.length === 0) return Promise.resolve('');
  return relay.run(argv, timeoutMs, input);
}
