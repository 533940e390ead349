import { runCommand } from './command-runner';

export interface ReloadCommands {
  nginxTest: string[];
  nginxReload: string[];
  phpFpmReload: string[];
}

export class ReloadFailedError extends Error {}

/**
 * Single-flight service reloads: one running and at most one pending; every request that
 * arrives while a reload is pending joins it. A pending reload also waits for plans already
 * under way that will ask for a reload too, so a burst of parallel creates shares one: it starts
 * when none is left, or when none has arrived for `idleMs` (a stuck plan), or after `maxWaitMs`.
 */
export class ReloadCoalescer {
  private running: Promise<void> | null = null;
  private pending: Promise<void> | null = null;
  private underway = 0;
  private quietWaiters: (() => void)[] = [];
  private lastArrival = 0;
  /** Reloads started since this process began (tests and metrics). */
  started = 0;

  constructor(
    private readonly commands: ReloadCommands,
    private readonly idleMs = 1000,
    private readonly maxWaitMs = 15_000,
    private readonly run: (argv: string[]) => Promise<unknown> = runCommand,
  ) {}

  get enabled(): boolean {
    return this.commands.nginxTest.length + this.commands.nginxReload.length + this.commands.phpFpmReload.length > 0;
  }

  /** A plan that ends in a reload has started; call the returned function once it has asked (or failed). */
  hold(): () => void {
    this.underway++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.underway--;
      this.lastArrival = Date.now();
      if (this.underway === 0) for (const wake of this.quietWaiters.splice(0)) wake();
    };
  }

  /** Resolves once a reload that started after this call has finished (or at once when nothing is configured). */
  request(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (this.pending) return this.pending;
    const previous = this.running ?? Promise.resolve();
    const slot: { promise?: Promise<void> } = {};
    const next = (async () => {
      await previous.catch(() => undefined);
      await this.quiet();
      this.pending = null;
      this.running = slot.promise ?? null;
      try {
        await this.reloadNow();
      } finally {
        if (this.running === slot.promise) this.running = null;
      }
    })();
    slot.promise = next;
    this.pending = next;
    return next;
  }

  private quiet(): Promise<void> {
    if (this.underway === 0) return Promise.resolve();
    const started = Date.now();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const check = () => {
        const now = Date.now();
        if (now - Math.max(this.lastArrival, started) >= this.idleMs || now - started >= this.maxWaitMs) return done();
        timer = setTimeout(check, Math.max(10, this.idleMs - (now - Math.max(this.lastArrival, started))));
      };
      timer = setTimeout(check, this.idleMs);
      this.quietWaiters.push(done);
    });
  }

  private async reloadNow(): Promise<void> {
    this.started++;
    const { nginxTest, nginxReload, phpFpmReload } = this.commands;
    try {
      await this.run(nginxTest);
    } catch {
      throw new ReloadFailedError('the nginx configuration test failed');
    }
    try {
      await this.run(phpFpmReload);
      await this.run(nginxReload);
    } catch {
      throw new ReloadFailedError('a service reload failed');
    }
  }
}
