import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { CommandFailedError, runCommand } from './command-runner';
import { tempNameFor } from './file-ops';
import { nginxGeneration, phpFpmGeneration, poolListen, waitForListeners, waitForNewGeneration, waitForPhpFpmReexec } from './reload-wait';

export interface ReloadCommands {
  nginxTest: string[];
  nginxReload: string[];
  /** `php-fpm8.2 -t` on the live configuration: a pool php-fpm cannot load would stop its master at the reload. */
  phpFpmTest?: string[];
  phpFpmReload: string[];
}

export interface ReloadOptions {
  /** A pending reload starts once no plan under way has asked for this long… */
  idleMs: number;
  /** …or after this long in any case. */
  maxWaitMs: number;
  run: (argv: string[]) => Promise<unknown>;
  /** Answer only once a reload has taken effect (see reload-wait.ts); absent: once the commands return. */
  wait?: { nginxPidFile: string; phpFpmPidFile?: string; timeoutMs: number };
}

export type Service = 'nginx' | 'php-fpm';
const ALL_SERVICES: readonly Service[] = ['nginx', 'php-fpm'];

/** A configuration file a plan adds, which the service's test reads. */
export interface StagedFile {
  path: string;
  service: Service;
}

export class ReloadFailedError extends Error {}

/** What a file held out of the configuration says instead (a comment in each service's syntax). */
const HELD: Record<StagedFile['service'], string> = {
  nginx: '# Hostwright: held out of the configuration, it fails nginx -t; the plan that wrote it is being rolled back.\n',
  'php-fpm': '; Hostwright: held out of the configuration, it fails php-fpm -t; the plan that wrote it is being rolled back.\n',
};

/**
 * One plan that ends in a reload, from its start to its end: whether it is still on its way to
 * the reload step (a pending reload waits for it), the files it adds (so a failing test can be
 * narrowed down to them) and, once a test found them at fault, the failure its reload step gets.
 */
export class ReloadTicket {
  failure: ReloadFailedError | null = null;
  /** Its reload succeeded: its files are live and no longer candidates. */
  settled = false;
  /** A reload ran while the plan was under way and not held out: what it had written may be live. */
  live = false;
  private released = false;
  private ended = false;

  constructor(
    readonly files: StagedFile[],
    /** The services whose configuration the plan changes: only those are tested and reloaded for it. */
    readonly services: readonly Service[],
    private readonly onRelease: () => void,
    private readonly onEnd: () => void,
  ) {}

  /** The plan has asked for its reload (or will not): a pending reload stops waiting for it. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }

  end(): void {
    this.release();
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}

interface Batch {
  tickets: Set<ReloadTicket>;
  /** Requests without a ticket (a rollback's clean-up reload, tests): every service. */
  plain: number;
  done: Promise<void>;
}

type TestResult = { ok: true } | { ok: false; service: Service; detail: string };

/**
 * Single-flight service reloads: one running and at most one pending; every request that
 * arrives while a reload is pending joins it. A pending reload also waits for plans already
 * under way that will ask for a reload too, so a burst of parallel creates shares one: it starts
 * when none is left, or when none has arrived for `idleMs` (a stuck plan), or after `maxWaitMs`.
 *
 * A reload runs with the configuration held still (steps write vhosts and pools through
 * `editing`), so what was tested is what is reloaded: `nginx -t` and `php-fpm -t`, then the
 * reloads, then (with `wait`) until they have taken effect. When a shared test fails, the plans
 * whose files cause it are found by bisection — every candidate's new files held out (a comment
 * instead of their content), then halves put back while the test passes — and only those fail;
 * their files stay held out until their rollback removes them, and the others are reloaded.
 */
export class ReloadCoalescer {
  private running: Promise<void> | null = null;
  private pending: Batch | null = null;
  private underway = 0;
  private quietWaiters: (() => void)[] = [];
  private lastArrival = 0;
  private readonly tickets = new Set<ReloadTicket>();
  private readonly held = new Map<string, { content: string; mode: number }>();
  private editors = 0;
  private gate: Promise<void> | null = null;
  private drained: (() => void)[] = [];
  private readonly options: ReloadOptions;
  /** Reloads started since this process began (tests and metrics). */
  started = 0;
  /** Configuration test runs (each runs every configured test command). */
  tests = 0;

  constructor(
    private readonly commands: ReloadCommands,
    options: Partial<ReloadOptions> = {},
  ) {
    this.options = { idleMs: 1000, maxWaitMs: 15_000, run: runCommand, ...options };
  }

  get enabled(): boolean {
    const { nginxTest, nginxReload, phpFpmTest = [], phpFpmReload } = this.commands;
    return nginxTest.length + nginxReload.length + phpFpmTest.length + phpFpmReload.length > 0;
  }

  /**
   * A plan that ends in a reload has started, adding `files` and changing `services`' configuration;
   * release the ticket once it has asked (or failed), end it when the plan ends.
   */
  hold(files: StagedFile[] = [], services: readonly Service[] = ALL_SERVICES): ReloadTicket {
    this.underway++;
    const ticket: ReloadTicket = new ReloadTicket(
      files,
      services,
      () => {
        this.underway--;
        this.lastArrival = Date.now();
        if (this.underway === 0) for (const wake of this.quietWaiters.splice(0)) wake();
      },
      () => this.tickets.delete(ticket),
    );
    this.tickets.add(ticket);
    return ticket;
  }

  /**
   * Resolves once a reload that started after this call has finished (or at once when nothing is
   * configured); rejects when it failed, or when the ticket's own files fail the test.
   */
  request(ticket?: ReloadTicket): Promise<void> {
    if (ticket?.failure) return Promise.reject(ticket.failure);
    if (!this.enabled) return Promise.resolve();
    const batch = this.pending ?? this.startBatch();
    if (ticket) batch.tickets.add(ticket);
    else batch.plain++;
    return batch.done.then(() => {
      if (ticket?.failure) throw ticket.failure;
    });
  }

  /** Runs a write of nginx or php-fpm configuration; never while a reload tests and reloads. */
  async editing<T>(work: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    this.editors++;
    try {
      return await work();
    } finally {
      this.editors--;
      if (this.editors === 0) for (const wake of this.drained.splice(0)) wake();
    }
  }

  private startBatch(): Batch {
    const previous = this.running ?? Promise.resolve();
    const batch: Batch = { tickets: new Set(), plain: 0, done: Promise.resolve() };
    batch.done = (async () => {
      await previous.catch(() => undefined);
      await this.quiet();
      this.pending = null;
      this.running = batch.done;
      try {
        await this.reloadNow(batch);
      } finally {
        if (this.running === batch.done) this.running = null;
      }
    })();
    this.pending = batch;
    return batch;
  }

  private quiet(): Promise<void> {
    if (this.underway === 0) return Promise.resolve();
    const started = Date.now();
    const { idleMs, maxWaitMs } = this.options;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const check = () => {
        const now = Date.now();
        if (now - Math.max(this.lastArrival, started) >= idleMs || now - started >= maxWaitMs) return done();
        timer = setTimeout(check, Math.max(10, idleMs - (now - Math.max(this.lastArrival, started))));
      };
      timer = setTimeout(check, idleMs);
      this.quietWaiters.push(done);
    });
  }

  /** Waits for config writes under way to finish and holds new ones back until the returned function is called. */
  private async lockConfig(): Promise<() => void> {
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    while (this.editors > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    return () => {
      this.gate = null;
      open();
    };
  }

  private async reloadNow(batch: Batch): Promise<void> {
    this.started++;
    const unlock = await this.lockConfig();
    try {
      // A batch of suspends tests and reloads nginx only: php-fpm's reload restarts every pool's workers.
      const services = new Set<Service>(batch.plain ? ALL_SERVICES : [...batch.tickets].flatMap((t) => t.services));
      const result = await this.test(services);
      if (!result.ok) await this.isolate(result, services);
      const members = [...batch.tickets].filter((t) => !t.failure);
      if (members.length === 0 && batch.plain === 0) return;
      for (const t of this.tickets) if (!t.failure) t.live = true;
      await this.reloadServices(members, services);
      for (const t of members) t.settled = true;
    } finally {
      // Only a culprit's files stay held out; after an unexpected error (a file that could not be written) nothing does.
      for (const [path, held] of [...this.held]) {
        await replace(path, held.content, held.mode).catch(() => undefined);
        this.held.delete(path);
      }
      unlock();
    }
  }

  /** The configured tests of these services; the first failure with the command's own words. */
  private async test(services: ReadonlySet<Service>): Promise<TestResult> {
    this.tests++;
    const { nginxTest, phpFpmTest = [] } = this.commands;
    for (const [service, argv] of [
      ['nginx', nginxTest],
      ['php-fpm', phpFpmTest],
    ] as const) {
      if (argv.length === 0 || !services.has(service)) continue;
      try {
        await this.options.run(argv);
      } catch (error) {
        return { ok: false, service, detail: (error instanceof CommandFailedError ? error.detail : String(error)).slice(0, 500) };
      }
    }
    return { ok: true };
  }

  /**
   * The test failed with every file in place: marks the tickets whose files cause it (their
   * files stay held out) and leaves every other file in place. Throws when it fails without any
   * candidate's files too: nothing these plans added is the cause, so none of them can go on.
   */
  private async isolate(failure: Exclude<TestResult, { ok: true }>, services: ReadonlySet<Service>): Promise<void> {
    const candidates = [...this.tickets].filter((t) => !t.failure && !t.settled && t.files.some((f) => services.has(f.service)));
    for (const t of candidates) await this.holdOut(t);
    const base = candidates.length ? await this.test(services) : failure;
    if (!base.ok) {
      for (const t of candidates) await this.putBack(t);
      throw new ReloadFailedError(`the ${failure.service} configuration test failed: ${failure.detail}`);
    }
    const culprits: [ReloadTicket, Exclude<TestResult, { ok: true }>][] = [];
    const admit = async (group: ReloadTicket[], known?: Exclude<TestResult, { ok: true }>): Promise<void> => {
      let result: TestResult | undefined = known;
      if (!result) {
        for (const t of group) await this.putBack(t);
        result = await this.test(services);
        if (result.ok) return;
        for (const t of group) await this.holdOut(t);
      }
      if (group.length === 1) return void culprits.push([group[0], result]);
      const half = Math.ceil(group.length / 2);
      await admit(group.slice(0, half));
      await admit(group.slice(half));
    };
    await admit(candidates, failure);
    for (const [t, result] of culprits) {
      t.failure = new ReloadFailedError(`the ${result.service} configuration test fails with this plan's files: ${result.detail}`);
      // Left held out: the plan's rollback removes them.
      for (const f of t.files) this.held.delete(f.path);
    }
  }

  private async holdOut(t: ReloadTicket): Promise<void> {
    for (const f of t.files) {
      if (this.held.has(f.path)) continue;
      let content: string;
      let mode: number;
      try {
        content = await readFile(f.path, 'utf8');
        mode = (await stat(f.path)).mode & 0o7777;
      } catch {
        continue; // not written (yet): nothing to hold out
      }
      this.held.set(f.path, { content, mode });
      await replace(f.path, HELD[f.service], mode);
    }
  }

  private async putBack(t: ReloadTicket): Promise<void> {
    for (const f of t.files) {
      const held = this.held.get(f.path);
      if (!held) continue;
      await replace(f.path, held.content, held.mode);
      this.held.delete(f.path);
    }
  }

  /** php-fpm, then nginx (whose vhosts point at the pools' sockets); with `wait`, each until it has taken effect. */
  private async reloadServices(members: ReloadTicket[], services: ReadonlySet<Service>): Promise<void> {
    const { phpFpmReload, nginxReload } = this.commands;
    const wait = this.options.wait;
    try {
      if (phpFpmReload.length && services.has('php-fpm')) {
        const before = wait?.phpFpmPidFile ? await phpFpmGeneration(wait.phpFpmPidFile, wait.timeoutMs) : null;
        await this.options.run(phpFpmReload);
        if (wait && before) await waitForPhpFpmReexec(wait.phpFpmPidFile!, before, wait.timeoutMs);
        if (wait) await waitForListeners(await newPoolAddresses(members), wait.timeoutMs);
      }
      if (nginxReload.length && services.has('nginx')) {
        const before = wait ? await nginxGeneration(wait.nginxPidFile) : null;
        await this.options.run(nginxReload);
        if (wait && before) await waitForNewGeneration(wait.nginxPidFile, before, wait.timeoutMs);
      }
    } catch (error) {
      const detail = error instanceof CommandFailedError ? `${error.argv[0]}: ${error.detail}` : error instanceof Error ? error.message : String(error);
      throw new ReloadFailedError(`a service reload failed: ${detail.slice(0, 500)}`);
    }
  }
}

/** Where the pools these plans add listen (read back from the files they wrote). */
async function newPoolAddresses(members: ReloadTicket[]): Promise<string[]> {
  const addresses: string[] = [];
  for (const t of members) {
    for (const f of t.files) {
      if (f.service !== 'php-fpm') continue;
      const listen = poolListen(await readFile(f.path, 'utf8').catch(() => ''));
      if (listen) addresses.push(listen);
    }
  }
  return addresses;
}

/** Writes `content` over `path` by temp + rename (nginx or php-fpm never read half a file). */
async function replace(path: string, content: string, mode: number): Promise<void> {
  const temp = tempNameFor(path);
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
