/**
 * Runs the rest of a map, serially in this thread or on pool workers in chunks.
 *
 * Parallel execution: workers take chunks from the front of the list (two in flight each, so a
 * worker never waits for its next chunk); while workers are still starting, the main thread runs
 * items from the back itself, so a slow start costs little. A worker that cannot import the
 * function's module hands its chunks back to the main thread and the map carries on (with a
 * warning). The first failing item ends the map with a {@link MapItemError} naming its index.
 */
import { inspect } from 'node:util';
import type { FromMapWorker, WireError } from './messages.js';
import { isThenable, type ParallelFn } from './parallel.js';
import type { MapPool, MapWorker } from './pool.js';
import type { ProgressTracker } from './progress.js';
import { decodeFromTransfer, encodeForTransfer } from './transport.js';

/** An item's function threw (in this thread or a worker); `index` is the item's position. */
export class MapItemError extends Error {
  override readonly name = 'MapItemError';
  constructor(
    readonly label: string,
    readonly index: number,
    readonly count: number,
    readonly item: unknown,
    cause: unknown,
    where: 'item' | 'result' = 'item',
  ) {
    const err = cause as Partial<WireError> | undefined;
    const what = where === 'result' ? 'its result cannot be sent back' : 'failed';
    super(`map '${label}': item ${index} of ${count} ${what}: ${err?.name ?? 'Error'}: ${err?.message ?? String(cause)} (item: ${preview(item)})`, { cause });
    if (err?.stack) this.stack = `${this.name}: ${this.message}\n  caused by: ${err.stack}`;
  }
}

/** A map was cancelled through its AbortSignal. */
export class MapAbortedError extends Error {
  override readonly name = 'MapAbortedError';
}

function preview(value: unknown): string {
  const text = inspect(value, { depth: 1, maxArrayLength: 5, maxStringLength: 40, breakLength: Infinity, compact: true });
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export interface ExecState {
  readonly label: string;
  readonly items: readonly unknown[];
  readonly results: unknown[];
  /** Positions still to run, in list order. */
  readonly rest: Int32Array;
  readonly fn: (item: any, index: number, shared: any) => unknown;
  readonly shared: unknown;
  readonly async: boolean;
  readonly itemMs: number;
  readonly progress: ProgressTracker;
  readonly signal?: AbortSignal;
  /** The main thread runs items while no worker is ready (default true). */
  readonly mainHelps?: boolean;
}

export interface ExecOutcome {
  readonly mainItems: number;
  readonly workerItems: number;
  /** Workers that ran at least one chunk. */
  readonly workersUsed: number;
  /** Compute time summed over threads (ms). */
  readonly computeMs: number;
  /** Start-up of cold workers (ms from creation to ready) and module import times. */
  readonly startMs: readonly number[];
  readonly importMs: readonly number[];
  readonly warnings: readonly string[];
}

function checkAbort(signal: AbortSignal | undefined, label: string): void {
  if (signal?.aborted) throw new MapAbortedError(`map '${label}' was aborted: ${String(signal.reason ?? 'aborted')}`);
}

/** Runs `positions` in this thread; returns the compute time. Throws MapItemError on the first failure. */
async function runHere(state: ExecState, positions: ArrayLike<number>, from: number, to: number): Promise<number> {
  const { items, results, fn, shared, progress } = state;
  const every = Math.max(1, Math.floor(20 / Math.max(state.itemMs, 1e-4)));
  const started = performance.now();
  let sinceReport = 0;
  for (let k = from; k < to; k++) {
    const i = positions[k]!;
    try {
      let r = fn(items[i], i, shared);
      if (isThenable(r)) r = await r;
      results[i] = r;
    } catch (error) {
      throw new MapItemError(state.label, i, items.length, items[i], error);
    }
    if (++sinceReport >= every) {
      progress.add(sinceReport);
      sinceReport = 0;
      checkAbort(state.signal, state.label);
    }
  }
  progress.add(sinceReport);
  return performance.now() - started;
}

/** Runs every remaining item in this thread. */
export async function runSerial(state: ExecState): Promise<ExecOutcome> {
  checkAbort(state.signal, state.label);
  const computeMs = await runHere(state, state.rest, 0, state.rest.length);
  return { mainItems: state.rest.length, workerItems: 0, workersUsed: 0, computeMs, startMs: [], importMs: [], warnings: [] };
}

let nextMapId = 0;
/** Work the main thread does between checks for ready workers (ms). */
const SLICE_MS = 5;
const IN_FLIGHT = 2;

interface Chunk {
  readonly id: number;
  readonly indices: Int32Array;
}

/** Runs the remaining items on `workers` workers in chunks of `chunkSize`, shrinking to `minChunk` towards the end. */
export async function runParallel(
  state: ExecState,
  pool: MapPool,
  fnRef: ParallelFn,
  workerCount: number,
  chunkSize: number,
  codecItems: boolean,
  minChunk = chunkSize,
): Promise<ExecOutcome> {
  checkAbort(state.signal, state.label);
  const mapId = ++nextMapId;
  const { rest, results, items, label } = state;
  const workers = pool.acquire(workerCount, fnRef.module);
  const cold = workers.filter((w) => w.startMs === undefined);
  const inFlight = new Map<MapWorker, Chunk[]>(workers.map((w) => [w, []]));
  const usable = new Set<MapWorker>();
  const everUsed = new Set<MapWorker>();
  const handBack: Int32Array[] = [];
  const warnings: string[] = [];
  const importMs: number[] = [];
  let front = 0;
  let back = rest.length;
  let left = rest.length;
  let mainItems = 0;
  let computeMs = 0;
  let chunkIds = 0;
  let mainRunning = false;
  /** Workers still starting or importing (neither usable nor dropped yet). */
  let starting = workers.length;
  let settled = false;
  let resolveRun!: () => void;
  let rejectRun!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolveRun = res;
    rejectRun = rej;
  });

  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    rejectRun(error);
  };
  const finishIfDone = (): void => {
    if (!settled && left === 0) {
      settled = true;
      resolveRun();
    }
  };
  /** Sends chunks until `w` holds `upTo` (a cold worker gets its first before it is ready: see setup). */
  const send = (w: MapWorker, upTo = IN_FLIGHT, ready = usable.has(w)): void => {
    const queue = inFlight.get(w)!;
    while (!settled && ready && queue.length < upTo && front < back) {
      // Guided: full chunks while plenty is left, then smaller ones down to minChunk.
      const size = Math.max(minChunk, Math.min(chunkSize, Math.ceil((back - front) / (2 * workerCount))));
      const end = Math.min(front + size, back);
      const indices = rest.slice(front, end);
      front = end;
      const chunkItems = new Array<unknown>(indices.length);
      try {
        for (let k = 0; k < indices.length; k++) chunkItems[k] = codecItems ? encodeForTransfer(items[indices[k]!]) : items[indices[k]!];
      } catch (error) {
        fail(new MapItemError(label, indices[0]!, items.length, items[indices[0]!], error));
        return;
      }
      const chunk: Chunk = { id: ++chunkIds, indices };
      queue.push(chunk);
      everUsed.add(w);
      w.send({ t: 'chunk', map: mapId, chunk: chunk.id, name: fnRef.parallelName, indices, items: chunkItems, codec: codecItems });
    }
  };
  const dropWorker = (w: MapWorker, why: string): void => {
    if (settled) return;
    usable.delete(w);
    for (const chunk of inFlight.get(w) ?? []) handBack.push(chunk.indices);
    inFlight.set(w, []);
    if (!warnings.includes(why)) warnings.push(why);
    kickMain();
  };
  const onMessage = (w: MapWorker) => (message: FromMapWorker): void => {
    if (settled || !('map' in message) || message.map !== mapId) return;
    const queue = inFlight.get(w)!;
    if (message.t === 'done') {
      const at = queue.findIndex((c) => c.id === message.chunk);
      if (at < 0) return;
      const [chunk] = queue.splice(at, 1) as [Chunk];
      for (let k = 0; k < chunk.indices.length; k++) {
        results[chunk.indices[k]!] = message.codec ? decodeFromTransfer(message.results[k]) : message.results[k];
      }
      computeMs += message.computeMs;
      left -= chunk.indices.length;
      state.progress.add(chunk.indices.length);
      if (state.signal?.aborted) return fail(new MapAbortedError(`map '${label}' was aborted: ${String(state.signal.reason ?? 'aborted')}`));
      send(w);
      finishIfDone();
      // The list ran out: chunks still held by starting workers are the main thread's to run.
      if (front >= back) kickMain();
    } else if (message.t === 'fail') {
      if (message.where === 'function' || message.where === 'shared') {
        dropWorker(w, `a worker could not run '${fnRef.parallelName}': ${message.error.message}; the main thread ran its items`);
        return;
      }
      // A chunk the main thread took back runs there (and fails there, if it must).
      if (!queue.some((c) => c.id === message.chunk)) return;
      fail(new MapItemError(label, message.index, items.length, items[message.index], message.error, message.where === 'result' ? 'result' : 'item'));
    }
  };

  /** A chunk sent early to a worker that is still starting (it is the main thread's now), if any. */
  const takeBackEarly = (): Chunk | undefined => {
    for (const [w, queue] of inFlight) if (!usable.has(w) && queue.length > 0) return queue.pop();
    return undefined;
  };
  // The main thread works while no worker can take chunks, on chunks handed back, and — once the
  // list is claimed — on chunks sent ahead to workers still starting (a short map need not wait
  // for them: a worker skips a chunk of a map that has ended, and a late result is ignored).
  const kickMain = (): void => {
    if (mainRunning || settled) return;
    mainRunning = true;
    void (async () => {
      try {
        const slice = Math.max(1, Math.floor(SLICE_MS / Math.max(state.itemMs, 1e-4)));
        while (!settled) {
          const returned = handBack.shift();
          if (returned) {
            computeMs += await runHere(state, returned, 0, returned.length);
            mainItems += returned.length;
            left -= returned.length;
          } else if (usable.size === 0 && front < back && (state.mainHelps !== false || starting === 0)) {
            // Claim the slice before running it: chunks may be sent meanwhile (a cold worker's
            // first chunk is), and must not take the same items.
            const from = Math.max(front, back - slice);
            const to = back;
            back = from;
            computeMs += await runHere(state, rest, from, to);
            mainItems += to - from;
            left -= to - from;
          } else {
            const early = front >= back && (state.mainHelps !== false || starting === 0) ? takeBackEarly() : undefined;
            if (!early) break;
            computeMs += await runHere(state, early.indices, 0, early.indices.length);
            mainItems += early.indices.length;
            left -= early.indices.length;
          }
          finishIfDone();
          // Let worker messages (ready, results) in between slices.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        fail(error as Error);
      } finally {
        mainRunning = false;
        finishIfDone();
      }
    })();
  };
  const setup = async (w: MapWorker): Promise<void> => {
    w.onMessage = onMessage(w);
    // A cold worker gets its module and first chunk now, queued until it runs: it starts work the
    // moment it has imported the module, not when this thread — perhaps busy with a long item of
    // its own — gets round to its 'ready' and 'loaded' messages (seen: 200 ms items left booted
    // workers idle for ~0.4 s). If it cannot start or import, the chunk is handed back.
    const early = w.startMs === undefined;
    if (early) {
      void w.load(fnRef.module);
      if (state.shared !== undefined) w.send({ t: 'shared', map: mapId, value: encodeForTransfer(state.shared) });
      send(w, 1, true);
    }
    w.onExit = (error) => {
      const lost = inFlight.get(w) ?? [];
      if (lost.length > 0 && !settled) {
        const first = lost[0]!.indices[0]!;
        fail(new MapItemError(label, first, items.length, items[first], { name: 'WorkerDied', message: `a map worker died while running this item's chunk: ${error.message}` }));
      }
      usable.delete(w);
      kickMain();
    };
    try {
      await w.ready;
    } catch (error) {
      starting--;
      dropWorker(w, `a map worker failed to start: ${(error as Error).message}`);
      return;
    }
    const hadModule = w.hasModule(fnRef.module);
    const loaded = await w.load(fnRef.module);
    if (settled) return;
    starting--;
    if (!loaded.ok) {
      dropWorker(w, `a map worker could not import ${fnRef.module}: ${loaded.error.name}: ${loaded.error.message}; the main thread ran its items`);
      return;
    }
    if (!hadModule && loaded.ms > 0) importMs.push(loaded.ms);
    if (state.shared !== undefined && !early) w.send({ t: 'shared', map: mapId, value: encodeForTransfer(state.shared) });
    usable.add(w);
    send(w);
  };

  kickMain();
  for (const w of workers) void setup(w);
  try {
    if (rest.length === 0) finishIfDone();
    await done;
  } catch (error) {
    // Stop abandoned work now: a worker still busy with a chunk is ended (a new one starts next time).
    for (const [w, queue] of inFlight) if (queue.length > 0) void pool.terminate(w);
    pool.release(workers.filter((w) => (inFlight.get(w)?.length ?? 0) === 0));
    throw error;
  }
  for (const w of workers) if (!w.dead) w.send({ t: 'end', map: mapId });
  pool.release(workers);
  return {
    mainItems,
    workerItems: rest.length - mainItems,
    workersUsed: everUsed.size,
    computeMs,
    startMs: cold.map((w) => w.startMs ?? 0).filter((v) => v > 0),
    importMs,
    warnings,
  };
}
