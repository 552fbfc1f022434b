/**
 * `map()`: a planned parallel map. A dry run measures a few items, the model chooses workers and
 * chunk size (or serial), then the rest runs — and the plan records how it went.
 *
 * ```ts
 * const extract = parallel('extract', (doc: Doc) => features(doc));   // module top level
 * const feats = await map(docs, extract, { explain: true });
 * ```
 */
import { join, resolve } from 'node:path';
import { coreBudget, type CoreBudget } from './budget.js';
import { freeMemory } from './cgroup.js';
import { runParallel, runSerial, type ExecState } from './execute.js';
import { moduleImportMs } from './history.js';
import { cachedFacts, DEFAULT_FACTS, measureMachine, type MachineFacts } from './machine.js';
import { choose, type Alternative, type Capacity, type WorkloadStats } from './model.js';
import { isParallelFn, type ParallelFn } from './parallel.js';
import { mapPool } from './pool.js';
import { ProgressTracker } from './progress.js';
import { MapPlan } from './plan.js';
import { dryRun, timeCodec, type SampleStats } from './sample.js';
import { checkOptions, mapLabel, quickThreshold, startTiny, type AnyFn, type FirstItem, type TinyStart } from './tiny.js';
import { anyNeedsCodec, scan, transferProblem } from './transport.js';
import type { MapOptions, MapPlanData, PlanMachine, PlanSample } from './types.js';

/** Items (or the shared value) cannot be sent to workers and `unsendable: 'throw'` was asked for. */
export class MapSerialisationError extends Error {
  override readonly name = 'MapSerialisationError';
}

/** Start workers during the dry run when the work is at least this many cold starts long. */
const PRESTART_FACTOR = 10;
/** Measure the machine on first use only when the remaining work is at least this long (ms). */
const MEASURE_WHEN_MS = 1500;
/** Import time assumed for a module never imported in a worker: TypeScript vs JavaScript. */
const ASSUMED_IMPORT_TS_MS = 150;
const ASSUMED_IMPORT_JS_MS = 20;

export function defaultHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.SLUICE_HOME ? resolve(env.SLUICE_HOME) : join(process.cwd(), '.sluice');
}

export { MapPlan };

function sampleSummary(s: SampleStats): PlanSample {
  return {
    items: s.indices.length,
    itemMs: s.itemMs,
    cv: s.cv,
    cvKnown: s.cvKnown,
    firstMs: s.firstMs,
    async: s.async,
    itemBytes: s.itemBytes,
    resultBytes: s.resultBytes,
    itemTransferMs: s.itemEncodeMs + s.itemDecodeMs,
    resultTransferMs: s.resultEncodeMs + s.resultDecodeMs,
    callBytes: s.callBytes,
    wallMs: s.wallMs,
  };
}

/** Import time of the function's module in a fresh worker: measured before, or assumed. */
function importEstimate(home: string, fnRef: ParallelFn | undefined): { ms: number; known: boolean } {
  const known = fnRef ? moduleImportMs(home, fnRef.module) : undefined;
  if (known !== undefined) return { ms: known, known: true };
  return { ms: fnRef && /\.(c|m)?tsx?([?#]|$)/.test(fnRef.module) ? ASSUMED_IMPORT_TS_MS : ASSUMED_IMPORT_JS_MS, known: false };
}

/** Positions not run by the dry run, in list order. */
function remaining(n: number, sampled: readonly number[]): Int32Array {
  if (sampled.length === 1) {
    // The common tiny-map case: everything but one index, without a mask.
    const only = sampled[0]!;
    const rest = new Int32Array(n - 1);
    for (let i = 0, k = 0; i < n; i++) if (i !== only) rest[k++] = i;
    return rest;
  }
  const skip = new Uint8Array(n);
  for (const i of sampled) skip[i] = 1;
  const rest = new Int32Array(n - sampled.length);
  let k = 0;
  for (let i = 0; i < n; i++) if (!skip[i]) rest[k++] = i;
  return rest;
}

/** Finds items that cannot be sent to a worker (up to `limit`), and whether any travel by codec. */
function checkItems(items: readonly unknown[], rest: Int32Array, limit = 5): { unsendable: { index: number; problem: string }[]; codec: boolean } {
  const unsendable: { index: number; problem: string }[] = [];
  let codec = false;
  for (let k = 0; k < rest.length && unsendable.length < limit; k++) {
    const v = items[rest[k]!];
    if (v === null || (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol') || ArrayBuffer.isView(v)) continue;
    const s = scan(v);
    if (s.problem) unsendable.push({ index: rest[k]!, problem: s.problem });
    codec ||= s.codec;
  }
  return { unsendable, codec };
}

/**
 * Plans a map: runs the dry run (keeping its results) and chooses how to run the rest.
 * `fn` must come from {@link parallel} to run in workers; a plain function is planned (and
 * explained) but runs serially.
 */
export async function planMap<I, R, S = undefined>(items: readonly I[], fn: AnyFn<I, R, S>, options: MapOptions<S> = {}): Promise<MapPlan<R>> {
  return planFrom(items, fn, options, undefined);
}

async function planFrom<I, R, S>(items: readonly I[], fn: AnyFn<I, R, S>, options: MapOptions<S>, first: FirstItem | undefined): Promise<MapPlan<R>> {
  if (!Array.isArray(items)) throw new TypeError(`map(): items must be an array, got ${items === null ? 'null' : typeof items}`);
  if (typeof fn !== 'function') throw new TypeError(`map(): fn must be a function, got ${typeof fn}`);
  const fnRef = isParallelFn(fn) ? fn : undefined;
  const label = mapLabel(fn, options);
  checkOptions(label, options);
  const n = items.length;
  const results = new Array<R>(n);
  const pool = mapPool();
  const warm = fnRef ? pool.warm(fnRef.module) : 0;
  const call = (item: unknown, index: number): unknown => fn(item as I, index, options.shared as S);

  // Below this much work in all (ms), nothing could pay for a worker: even a warm one costs round
  // trips, a cold one at least a thread start. Such maps skip every other measurement.
  const quickMs = quickThreshold(warm);
  const forced = options.workers !== undefined;
  // Read only when the map is not tiny (cheap, but not free).
  let machineRead: { home: string; budget: CoreBudget; cached: MachineFacts | undefined; coldStartMs: number } | undefined;
  const readMachine = (): NonNullable<typeof machineRead> => {
    if (machineRead) return machineRead;
    const home = options.home ?? defaultHome();
    const budget = coreBudget();
    const cached = cachedFacts(home, budget.usable);
    const coldStartMs = (cached?.workerStartMs ?? DEFAULT_FACTS.workerStartMs) + importEstimate(home, fnRef).ms;
    return (machineRead = { home, budget, cached, coldStartMs });
  };
  // Work left below one cold worker start cannot gain 10% from workers (even with the main thread
  // helping while they start): such maps skip measuring what sending items would cost.
  const worthMeasuring = (itemMs: number, sampled: number): boolean => forced || warm > 0 || (n - sampled) * itemMs >= readMachine().coldStartMs;
  // Heavy work (ten worker starts' worth or more) is nearly sure to go parallel: start the workers
  // now, so they boot while the dry run measures.
  let prestartedAt: number | undefined;
  let prestarted = 0;
  const onFirst = (ms: number): boolean => {
    if (!fnRef || forced || options.mainThreadHelps === false) return false;
    const m = readMachine();
    if (n * ms < PRESTART_FACTOR * m.coldStartMs || m.budget.cores < 2 - 1e-9) return false;
    const count = Math.min(Math.ceil(m.budget.cores), n - 1, options.maxWorkers ?? Infinity);
    if (count < 2) return false;
    prestarted = pool.prestart(count, fnRef.module);
    prestartedAt = performance.now();
    // An item as long as a worker start: one is sample enough (more would keep the other cores idle).
    return ms >= m.coldStartMs;
  };
  const sample = await dryRun(items, results, call, {
    size: options.sample ?? 5,
    quickMs: forced ? 0 : quickMs,
    measureTransfer: worthMeasuring,
    first,
    onFirst,
    enoughMs: fnRef && !forced ? () => readMachine().coldStartMs : undefined,
  });
  if (sample.quick) return quickPlan(label, items, results, fn, sample, options);
  const { home, budget, cached, coldStartMs } = readMachine();
  const rest = remaining(n, sample.indices);
  const reasons: string[] = [];
  const warnings: string[] = [];
  let unsendable: { index: number; problem: string }[] = [];
  let codecItems = false;
  const restSerialMs = rest.length * sample.itemMs;
  const sampleCompute = sample.computeMs;

  let facts: MachineFacts | undefined = cached;
  let factsSource: PlanMachine['facts'] = cached ? 'cached' : 'not needed';
  const considerParallel = sample.transferMeasured && rest.length >= 2 && budget.cores > 1 - 1e-9;
  if (considerParallel && !facts) {
    const measure = options.measure ?? 'auto';
    if (measure === true || (measure === 'auto' && restSerialMs >= MEASURE_WHEN_MS)) {
      facts = await measureMachine(home, budget.usable);
      factsSource = 'measured now';
    } else factsSource = 'defaults (not measured yet)';
  }
  const f = facts ?? DEFAULT_FACTS;
  const { ms: importMs, known: importKnown } = importEstimate(home, fnRef);
  const warmNow = fnRef ? pool.warm(fnRef.module) : 0;
  // Workers started during the dry run have had part of their start-up already.
  const startedAgo = prestartedAt !== undefined ? performance.now() - prestartedAt : 0;
  const mem = freeMemory();

  // Checking items can be sent costs main-thread time per item: measure it on the sample, warm
  // (one untimed pass) and over many calls (one call of a cheap check is shorter than the clock's grain).
  let checkMs = 0;
  if (!sample.quick && sample.indices.length > 0) {
    const on = sample.indices.slice(0, 5);
    for (const i of on) transferProblem(items[i]);
    const calls = Math.max(on.length, Math.min(1024, 64 * on.length));
    // Best of three (as the dry run's transfer timings): noise only ever adds.
    checkMs = Infinity;
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      for (let k = 0; k < calls; k++) transferProblem(items[on[k % on.length]!]);
      checkMs = Math.min(checkMs, (performance.now() - t) / calls);
    }
  }
  const sharedCost = options.shared !== undefined && !sample.quick ? measureShared(options.shared) : { bytes: 0, encodeMs: 0, decodeMs: 0 };
  const workload: WorkloadStats = {
    remaining: rest.length,
    itemMs: sample.itemMs,
    cv: sample.cv,
    mainPerItemMs: sample.itemEncodeMs + sample.resultDecodeMs + checkMs,
    workerPerItemMs: sample.itemDecodeMs + sample.resultEncodeMs,
    itemBytes: sample.itemBytes,
    resultBytes: sample.resultBytes,
    callBytes: sample.callBytes,
    sharedBytes: sharedCost.bytes,
    sharedMainMs: sharedCost.encodeMs,
    sharedWorkerMs: sharedCost.decodeMs,
  };
  const capacity: Capacity = {
    cores: budget.cores,
    otherBusy: budget.otherBusy,
    maxWorkers: options.maxWorkers ?? Infinity,
    startMs: Math.max(0, f.workerStartMs + importMs - startedAgo),
    warmWorkers: warmNow,
    roundTripMs: f.roundTripMs,
    pipelinedMs: f.pipelinedMs,
    freeBytes: mem.free,
    workerBytes: f.workerBytes,
    threadEfficiency: f.threadEfficiency,
  };

  let workers = 0;
  let chunkSize = Math.max(1, rest.length);
  let minChunk = chunkSize;
  let alternatives: Alternative[] = [];
  let planRestMs = restSerialMs;
  let startMs = 0;
  let helpedItems = 0;
  let chunkCount = Math.ceil(rest.length / Math.max(1, chunkSize));
  if (forced) {
    workers = Math.min(options.workers!, Math.max(0, rest.length));
    chunkSize = options.chunkSize ?? Math.max(1, Math.ceil(rest.length / Math.max(1, workers)));
    minChunk = chunkSize;
    reasons.push(`configuration given by the caller (${workers === 0 ? 'serial' : `${workers} workers × ${chunkSize}`})`);
  } else if (rest.length === 0) {
    reasons.push('the dry run ran every item');
  } else if (!sample.transferMeasured) {
    reasons.push(`about ${fmt(restSerialMs)} of work left: less than one worker start (${fmt(coldStartMs)})`);
  } else if (budget.cores < 2 - 1e-9 && Math.ceil(budget.cores) < 2) {
    reasons.push(`only 1 core for this map (${budget.reason})`);
  } else {
    const choice = choose(workload, capacity);
    // Shown as whole-call times, like the plan's own estimate (the dry run is paid either way).
    alternatives = choice.alternatives.map((a) => ({ ...a, totalMs: a.totalMs + sample.wallMs }));
    reasons.push(...choice.reasons);
    if (choice.workers > 0 && choice.chosen) {
      workers = choice.workers;
      chunkSize = choice.chunkSize;
      minChunk = choice.minChunk;
      planRestMs = choice.chosen.totalMs;
      startMs = choice.chosen.startMs;
      helpedItems = choice.chosen.helpedItems;
      chunkCount = choice.chosen.chunks;
      reasons.unshift(
        `${workers} workers pay: ${fmt(restSerialMs)} of work left, worker start ${fmt(capacity.startMs)}${
          prestarted > 0 ? ` (${prestarted} started during the dry run, ${fmt(startedAgo)} ago)` : ''
        }`,
      );
    }
  }

  // Parallel needs a registered function, sendable items/shared value, and results that come back.
  if (workers > 0) {
    let blocker: string | undefined;
    if (!fnRef) {
      blocker = `the function is a plain closure, which cannot be sent to a worker: define it with parallel('${label}', fn) at the top level of its module`;
    } else if (sample.resultProblem) {
      blocker = `the result of item ${sample.resultProblem.index} cannot be sent back from a worker: ${sample.resultProblem.problem}`;
    } else if (options.shared !== undefined && transferProblem(options.shared)) {
      blocker = `the shared value cannot be sent to a worker: ${transferProblem(options.shared)}`;
    } else {
      const checked = checkItems(items, rest);
      unsendable = checked.unsendable;
      codecItems = checked.codec;
      if (unsendable.length > 0) blocker = `item ${unsendable[0]!.index} cannot be sent to a worker: ${unsendable[0]!.problem}`;
    }
    if (blocker) {
      if (options.unsendable === 'throw') {
        const more = unsendable.length > 1 ? ` (and items ${unsendable.slice(1).map((u) => u.index).join(', ')}${unsendable.length >= 5 ? ', …' : ''})` : '';
        throw new MapSerialisationError(`map '${label}': ${blocker}${more}; nothing beyond the ${sample.indices.length}-item dry run ran`);
      }
      reasons.unshift(`running serially: ${blocker} (parallel would be ~${(restSerialMs / planRestMs).toFixed(2)}× with ${workers} workers)`);
      warnings.push(blocker);
      workers = 0;
      chunkSize = Math.max(1, rest.length);
      minChunk = chunkSize;
      planRestMs = restSerialMs;
      startMs = 0;
      helpedItems = 0;
    }
  }
  if (workers === 0 && reasons.length === 0) reasons.push('serial');

  const serialMs = sampleCompute + restSerialMs;
  const planMs = sample.wallMs + planRestMs;
  const data: MapPlanData = {
    label,
    items: n,
    mode: workers > 0 ? 'parallel' : 'serial',
    workers,
    chunkSize,
    minChunk,
    chunks: workers > 0 ? chunkCount : 0,
    estimate: { serialMs, planMs, speedup: serialMs / Math.max(planMs, 1e-6), startMs, helpedItems },
    sample: sampleSummary(sample),
    machine: {
      cores: budget.cores,
      budgetReason: budget.reason,
      online: budget.online,
      cgroup: budget.cgroup ?? null,
      freeBytes: mem.free,
      facts: factsSource,
      measuredAt: facts?.measuredAt ?? null,
      workerStartMs: f.workerStartMs,
      importMs,
      importKnown,
      roundTripMs: f.roundTripMs,
      pipelinedMs: f.pipelinedMs,
      workerBytes: f.workerBytes,
      threadEfficiency: f.threadEfficiency,
      warmWorkers: warmNow,
    },
    reasons,
    alternatives,
    warnings,
    unsendable,
    realised: null,
  };
  const state: Omit<ExecState, 'progress'> & { progress?: ProgressTracker } = {
    label,
    items,
    results,
    rest,
    fn: fn as ExecState['fn'],
    shared: options.shared,
    async: sample.async || n === 0,
    itemMs: sample.itemMs,
    signal: options.signal,
    mainHelps: options.mainThreadHelps,
  };
  return new MapPlan<R>(data, state as ExecState, fnRef, workers > 0 && codecItems, options, home);
}

/** A serial plan for a map too small to split, built without reading anything about the machine. */
function quickPlan<R>(label: string, items: readonly unknown[], results: R[], fn: AnyFn<any, R, any>, sample: SampleStats, options: MapOptions<any>): MapPlan<R> {
  const n = items.length;
  const serialMs = n * sample.itemMs;
  const rest = remaining(n, sample.indices);
  const data: MapPlanData = {
    label,
    items: n,
    mode: 'serial',
    workers: 0,
    chunkSize: Math.max(1, rest.length),
    minChunk: Math.max(1, rest.length),
    chunks: 0,
    estimate: { serialMs, planMs: serialMs + sample.wallMs - sample.itemMs, speedup: 1, startMs: 0, helpedItems: 0 },
    sample: sampleSummary(sample),
    machine: QUICK_MACHINE,
    reasons: [`about ${fmt(serialMs)} of work in all: less than any worker costs`],
    alternatives: [],
    warnings: [],
    unsendable: [],
    realised: null,
  };
  const state = { label, items, results, rest, fn: fn as ExecState['fn'], shared: options.shared, async: sample.async, itemMs: sample.itemMs, signal: options.signal };
  return new MapPlan<R>(data, state as ExecState, undefined, false, options, '');
}

const QUICK_MACHINE: PlanMachine = {
  cores: 0,
  budgetReason: 'not read (the map is too small to split)',
  online: 0,
  cgroup: null,
  freeBytes: 0,
  facts: 'not needed',
  measuredAt: null,
  workerStartMs: 0,
  importMs: 0,
  importKnown: false,
  roundTripMs: 0,
  pipelinedMs: 0,
  workerBytes: 0,
  threadEfficiency: 1,
  warmWorkers: 0,
};

function measureShared(value: unknown): { bytes: number; encodeMs: number; decodeMs: number } {
  try {
    return timeCodec(value);
  } catch {
    return { bytes: 0, encodeMs: 0, decodeMs: 0 };
  }
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 10 ? 0 : 2)} ms`;
}

/**
 * Maps `fn` over `items` with a planned number of workers and chunk size; resolves with the
 * results in item order. A failing item rejects with a MapItemError naming its index.
 */
export function map<I, R, S = undefined>(items: readonly I[], fn: AnyFn<I, R, S>, options: MapOptions<S> = {}): Promise<R[]> {
  let tiny: TinyStart<R>;
  try {
    tiny = startTiny(items, fn, options);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  // A tiny map that ran in a plain loop: done, with no await on the way.
  if ('results' in tiny && tiny.results) return Promise.resolve(tiny.results);
  return planAndRun(items, fn, options, tiny);
}

async function planAndRun<I, R, S>(items: readonly I[], fn: AnyFn<I, R, S>, options: MapOptions<S>, tiny: TinyStart<R>): Promise<R[]> {
  const decided = 'pending' in tiny ? await tiny.pending : tiny;
  if (decided.results) return decided.results;
  const plan = await planFrom(items, fn, options, decided.first);
  options.onPlan?.(plan.toJSON());
  if (options.explain) {
    const text = plan.explain();
    if (typeof options.explain === 'function') options.explain(text);
    else process.stderr.write(`${text}\n`);
  }
  return plan.run();
}

/**
 * Runs a map with a fixed configuration and no dry run (benchmarks, and callers that already know
 * the answer): `workers: 0` is a plain loop in this thread.
 */
export async function mapWith<I, R, S = undefined>(
  items: readonly I[],
  fn: ParallelFn<I, R, S>,
  config: { readonly workers: number; readonly chunkSize: number; readonly shared?: S; readonly itemMs?: number; readonly mainThreadHelps?: boolean },
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const rest = new Int32Array(items.length);
  for (let i = 0; i < rest.length; i++) rest[i] = i;
  const state: ExecState = {
    label: fn.parallelName,
    items,
    results,
    rest,
    fn: fn as ExecState['fn'],
    shared: config.shared,
    async: true,
    itemMs: config.itemMs ?? 0.01,
    progress: new ProgressTracker(fn.parallelName, items.length, undefined),
    mainHelps: config.mainThreadHelps,
  };
  if (config.workers === 0) await runSerial(state);
  else await runParallel(state, mapPool(), fn, config.workers, config.chunkSize, anyNeedsCodec(items));
  return results;
}
