/**
 * The process-wide pool of map worker threads. Workers start on demand, import each module they
 * are asked for once, stay warm between map calls (a second map in the same task pays no start-up),
 * and end after a minute idle. Idle workers are unref'd so they never keep a process alive.
 */
import { Worker } from 'node:worker_threads';
import type { FromMapWorker, ToMapWorker, WireError } from './messages.js';
import { moduleKey } from './parallel.js';

const IDLE_MS = 60_000;

export type LoadOutcome = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: WireError };

/** One worker thread. A map call owns it between acquire() and release(). */
export interface MapWorker {
  readonly id: number;
  /** performance.now() when the thread was created. */
  readonly createdAt: number;
  /** Resolves when the thread runs; rejects when it cannot start. */
  readonly ready: Promise<void>;
  /** ms from creation to ready, once ready. */
  readonly startMs: number | undefined;
  readonly dead: boolean;
  /** Whether it has imported this module successfully (so it can run its functions now). */
  hasModule(module: string): boolean;
  /** Imports a module (once per worker); resolves with how long the import took. */
  load(module: string): Promise<LoadOutcome>;
  send(message: ToMapWorker): void;
  /** The current owner's handler for chunk results and failures. */
  onMessage: ((message: FromMapWorker) => void) | undefined;
  /** Called when the thread dies (crash, terminate) while owned. */
  onExit: ((error: Error) => void) | undefined;
}

/** How to start the worker entry: compiled .js directly, or from source through tsx. */
function entry(): { target: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { target: new URL('./worker.js', import.meta.url), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const file = new URL('./worker.ts', import.meta.url).href;
  // Node 20 workers do not inherit tsx's hooks: register them, then import the .ts entry.
  const code = `globalThis[Symbol.for('sluice.planner.tsLoader')] = true; import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`;
  return { target: code, eval: true };
}

class Thread implements MapWorker {
  readonly createdAt = performance.now();
  readonly ready: Promise<void>;
  startMs: number | undefined;
  dead = false;
  owned = false;
  idleTimer: NodeJS.Timeout | undefined;
  onMessage: ((message: FromMapWorker) => void) | undefined;
  onExit: ((error: Error) => void) | undefined;
  private readonly worker: Worker;
  private readonly modules = new Map<string, Promise<LoadOutcome>>();
  private readonly loaded = new Set<string>();
  private readonly loadWaiters = new Map<string, (outcome: LoadOutcome) => void>();
  private pongs: ((n: number) => void) | undefined;
  private spun: ((turns: number) => void) | undefined;

  constructor(
    readonly id: number,
    private readonly pool: MapPool,
  ) {
    const { target, eval: isEval } = entry();
    this.worker = new Worker(target, { eval: isEval, stdout: false, stderr: false });
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.ready.catch(() => {});
    this.worker.on('message', (message: FromMapWorker) => {
      switch (message.t) {
        case 'ready':
          this.startMs = performance.now() - this.createdAt;
          resolveReady();
          return;
        case 'loaded':
        case 'load-error': {
          const key = moduleKey(message.module);
          const outcome: LoadOutcome = message.t === 'loaded' ? { ok: true, ms: message.ms } : { ok: false, error: message.error };
          if (outcome.ok) this.loaded.add(key);
          this.loadWaiters.get(key)?.(outcome);
          this.loadWaiters.delete(key);
          return;
        }
        case 'pong':
          this.pongs?.(message.n);
          return;
        case 'spun':
          this.spun?.(message.turns);
          this.spun = undefined;
          return;
        default:
          this.onMessage?.(message);
      }
    });
    const die = (error: Error): void => {
      if (this.dead) return;
      this.dead = true;
      rejectReady(error);
      for (const waiter of this.loadWaiters.values()) waiter({ ok: false, error: { name: error.name, message: error.message } });
      this.loadWaiters.clear();
      this.onExit?.(error);
      this.pool.forget(this);
    };
    this.worker.on('error', (error) => die(error));
    this.worker.on('exit', (code) => die(new Error(`map worker ${id} exited (code ${code})`)));
  }

  hasModule(module: string): boolean {
    return this.loaded.has(moduleKey(module));
  }

  /** Whether it has imported `module` or was asked to. */
  loading(module: string): boolean {
    return this.modules.has(moduleKey(module));
  }

  load(module: string): Promise<LoadOutcome> {
    const key = moduleKey(module);
    let pending = this.modules.get(key);
    if (!pending) {
      // Sent at once: a worker still starting finds it queued and imports as soon as it runs.
      const answered = new Promise<LoadOutcome>((resolve) => this.loadWaiters.set(key, resolve));
      this.send({ t: 'load', module });
      pending = this.ready.then(
        () => answered,
        (error: Error) => ({ ok: false, error: { name: error.name, message: error.message } }) as LoadOutcome,
      );
      this.modules.set(key, pending);
    }
    return pending;
  }

  send(message: ToMapWorker): void {
    this.worker.postMessage(message);
  }

  /** Round trips of a small message: [latency per trip, pipelined cost per message] in ms. */
  async ping(trips: number): Promise<{ roundTripMs: number; pipelinedMs: number }> {
    await this.ready;
    let started = performance.now();
    for (let n = 0; n < trips; n++) {
      await new Promise<void>((resolve) => {
        this.pongs = () => resolve();
        this.send({ t: 'ping', n });
      });
    }
    const roundTripMs = (performance.now() - started) / trips;
    started = performance.now();
    await new Promise<void>((resolve) => {
      let got = 0;
      this.pongs = () => {
        if (++got === trips) resolve();
      };
      for (let n = 0; n < trips; n++) this.send({ t: 'ping', n });
    });
    this.pongs = undefined;
    return { roundTripMs, pipelinedMs: (performance.now() - started) / trips };
  }

  /** Busies the worker's CPU for `ms`; resolves with the loop turns it managed. */
  async spin(ms: number): Promise<number> {
    await this.ready;
    return new Promise<number>((resolve) => {
      this.spun = resolve;
      this.send({ t: 'spin', ms });
    });
  }

  setRef(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Preference when taking idle workers: ready with the module, then importing it, then anything. */
function rank(t: Thread, module: string): number {
  return t.startMs !== undefined && t.hasModule(module) ? 2 : t.loading(module) ? 1 : 0;
}

/** The pool. One per process: {@link mapPool}. */
export class MapPool {
  private readonly threads: Thread[] = [];
  private nextId = 0;

  /** Workers that exist now (started or starting), owned or idle. */
  size(): number {
    return this.threads.length;
  }

  /** Idle, live workers that already imported `module` (a map could use them with no start-up). */
  warm(module: string): number {
    return this.threads.filter((t) => !t.owned && !t.dead && t.startMs !== undefined && t.hasModule(module)).length;
  }

  /** Idle, live workers (started or starting), whatever they imported. */
  idle(): number {
    return this.threads.filter((t) => !t.owned && !t.dead).length;
  }

  /**
   * Takes `count` workers for one map call: idle ones first (those that imported `module` first),
   * then new ones (starting in the background: await `ready`).
   */
  acquire(count: number, module?: string): MapWorker[] {
    const idle = this.threads
      .filter((t) => !t.owned && !t.dead)
      .sort((a, b) => (module ? rank(b, module) - rank(a, module) : 0));
    const chosen = idle.slice(0, count);
    while (chosen.length < count) {
      const thread = new Thread(++this.nextId, this);
      this.threads.push(thread);
      chosen.push(thread);
    }
    for (const t of chosen) {
      t.owned = true;
      if (t.idleTimer) clearTimeout(t.idleTimer);
      t.idleTimer = undefined;
      t.setRef(true);
    }
    return chosen;
  }

  /**
   * Starts workers ahead of a likely map (while its dry run still measures), each importing
   * `module`, so that at least `count` idle workers have it or are getting it. They stay idle in
   * the pool (unref'd) until a map takes them or they time out.
   */
  prestart(count: number, module: string): number {
    const have = this.threads.filter((t) => !t.owned && !t.dead && t.loading(module)).length;
    for (let i = have; i < count; i++) {
      const thread = new Thread(++this.nextId, this);
      this.threads.push(thread);
      void thread.load(module);
      thread.setRef(false);
      thread.idleTimer = setTimeout(() => void this.terminate(thread), IDLE_MS);
      thread.idleTimer.unref();
    }
    return Math.max(0, count - have);
  }

  /** Idle workers that are starting or importing `module` (not yet able to run its functions). */
  starting(module: string): number {
    return this.threads.filter((t) => !t.owned && !t.dead && t.loading(module) && !(t.startMs !== undefined && t.hasModule(module))).length;
  }

  /** Gives workers back: they stay warm (unref'd) until idle for a minute. */
  release(workers: readonly MapWorker[]): void {
    for (const w of workers) {
      const t = w as Thread;
      t.owned = false;
      t.onMessage = undefined;
      t.onExit = undefined;
      if (t.dead) continue;
      t.setRef(false);
      t.idleTimer = setTimeout(() => void this.terminate(t), IDLE_MS);
      t.idleTimer.unref();
    }
  }

  /** Ends a worker now (e.g. one still busy with an abandoned chunk). */
  async terminate(worker: MapWorker): Promise<void> {
    const t = worker as Thread;
    this.forget(t);
    if (t.idleTimer) clearTimeout(t.idleTimer);
    await t.terminate().catch(() => 0);
  }

  /**
   * Measures a fresh worker's start and message round trips (for the machine facts), and — given
   * `cores` > 1 — how fast each of `cores` busy threads runs next to one busy alone.
   */
  async probe(cores = 1): Promise<{ startMs: number; roundTripMs: number; pipelinedMs: number; rssBytes: number; threadEfficiency: number }> {
    const rssBefore = process.memoryUsage.rss();
    const [thread] = this.acquire(1) as [Thread];
    const others: Thread[] = [];
    try {
      await thread.ready;
      const rssBytes = Math.max(0, process.memoryUsage.rss() - rssBefore);
      await thread.ping(20); // warm the message path
      const { roundTripMs, pipelinedMs } = await thread.ping(200);
      const startMs = thread.startMs ?? 0;
      let threadEfficiency = 1;
      const n = Math.floor(cores);
      if (n > 1) {
        others.push(...(this.acquire(n - 1) as Thread[]));
        await Promise.all(others.map((t) => t.ready));
        threadEfficiency = await measureEfficiency([thread, ...others]);
      }
      return { startMs, roundTripMs, pipelinedMs, rssBytes, threadEfficiency };
    } finally {
      this.release([thread, ...others]);
    }
  }

  /** Ends every worker (tests, benchmarks, shutdown). */
  async shutdown(): Promise<void> {
    const all = [...this.threads];
    this.threads.length = 0;
    await Promise.all(
      all.map((t) => {
        if (t.idleTimer) clearTimeout(t.idleTimer);
        return t.terminate().catch(() => 0);
      }),
    );
  }

  /** @internal */
  forget(thread: Thread): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
  }
}

/** ms each thread spins per measurement. */
const SPIN_MS = 40;

/**
 * Per-thread speed with every thread busy, relative to one thread busy alone: best of three
 * rounds (other work only ever lowers it), within [0.5, 1]. Below 1 when cores share something
 * (a hypervisor's siblings, caches, memory bandwidth, clock boost for one busy core).
 */
async function measureEfficiency(threads: readonly Thread[]): Promise<number> {
  await Promise.all(threads.map((t) => t.spin(SPIN_MS / 4))); // warm the loop in each
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const solo = await threads[0]!.spin(SPIN_MS);
    const together = await Promise.all(threads.map((t) => t.spin(SPIN_MS)));
    const mean = together.reduce((a, b) => a + b, 0) / together.length;
    if (solo > 0) best = Math.max(best, mean / solo);
  }
  return Math.min(1, Math.max(0.5, best || 1));
}

const POOL_KEY = Symbol.for('sluice.planner.pool');

/** The process's map pool. */
export function mapPool(): MapPool {
  const g = globalThis as Record<symbol, unknown>;
  return (g[POOL_KEY] ??= new MapPool()) as MapPool;
}
