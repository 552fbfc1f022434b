/**
 * The dry run: runs a few items (spread over the list, so sorted data is sampled fairly) in this
 * thread, timing each, and measures what sending them to a worker would cost. The sampled items'
 * results are kept: the dry run is part of the work, not extra work.
 */
import { getHeapStatistics } from 'node:v8';
import { deserialize, serialize } from 'node:v8';
import { median, meanStd } from '../stats.js';
import { isThenable } from './parallel.js';
import { encodeForTransfer, transferProblem } from './transport.js';

/** What the dry run measured. */
export interface SampleStats {
  /** Positions of the items that ran, in the order they ran. */
  readonly indices: readonly number[];
  /** Compute time of the items timed one by one (ms), in the order they ran (the first `times.length` of `indices`). */
  readonly times: readonly number[];
  /** Mean compute per item (ms), leaving out the first call when there are enough others (JIT warm-up). */
  readonly itemMs: number;
  /** Compute time of every sampled item together (ms). */
  readonly computeMs: number;
  /** Coefficient of variation of the compute time; `cvKnown` false when too few items ran to tell. */
  readonly cv: number;
  readonly cvKnown: boolean;
  readonly firstMs: number;
  /** The function returned promises. */
  readonly async: boolean;
  /** Serialise + deserialise per item and per result (ms), bytes per item and result. */
  readonly itemEncodeMs: number;
  readonly itemDecodeMs: number;
  readonly resultEncodeMs: number;
  readonly resultDecodeMs: number;
  readonly itemBytes: number;
  readonly resultBytes: number;
  /** Largest heap growth over one call (bytes; a rough upper bound of what a call allocates). */
  readonly callBytes: number;
  /** Wall time of the whole dry run, measuring included. */
  readonly wallMs: number;
  /** A sampled result that cannot be sent back from a worker, with its index. */
  readonly resultProblem?: { readonly index: number; readonly problem: string };
  /** The run stopped after one item because the whole list is obviously too small to split. */
  readonly quick: boolean;
  /** Whether the transfer figures were measured (false: skipped as not worth it; they read 0). */
  readonly transferMeasured: boolean;
}

export interface SampleOptions {
  /** Items to sample (default 5). */
  readonly size: number;
  /** Below this total (n × first item's time, ms), stop after one item: nothing could pay for a worker. */
  readonly quickMs: number;
  /**
   * Asked once the compute sample is done: whether measuring what sending items costs is worth it
   * (it is not when the work left cannot pay for a worker anyway). Default: yes.
   */
  readonly measureTransfer?: (itemMs: number, sampled: number) => boolean;
  /**
   * Called once a typical item's time is known (the planner may start workers early): after the
   * first item when it alone is heavy, else after the items timed one by one, or — for items of
   * microseconds — after the timed blocks. True stops the sample there.
   */
  readonly onFirst?: (ms: number) => boolean;
  /** Heavy items: stop sampling after two items once the sample took this long (e.g. a worker's start-up); read only then. */
  readonly enoughMs?: () => number;
  /** An item the caller already ran (at index ⌊n/2⌋, the sequence's first), to count as the first sampled. */
  readonly first?: { readonly index: number; readonly result: unknown; readonly ms: number; readonly async: boolean };
}

/**
 * Low-discrepancy positions (golden-ratio sequence): any prefix is spread over the list, so
 * sorted or clustered items are sampled fairly and the sample can grow without repeats.
 */
export function* spreadIndices(n: number): Generator<number> {
  const seen = new Set<number>();
  const phi = 0.6180339887498949;
  let x = 0.5;
  for (let guard = 0; seen.size < n && guard < 4 * n + 16; guard++) {
    const i = Math.min(n - 1, Math.floor(x * n));
    x = (x + phi) % 1;
    if (seen.has(i)) continue;
    seen.add(i);
    yield i;
  }
  for (let i = 0; i < n && seen.size < n; i++) if (!seen.has(i)) yield i;
}

/** Time to serialise `value` for a worker (as postMessage does) and to deserialise it; throws when it cannot be sent. */
export function timeCodec(value: unknown): { encodeMs: number; decodeMs: number; bytes: number } {
  let t = performance.now();
  const bytes = serialize(encodeForTransfer(value));
  const encodeMs = performance.now() - t;
  t = performance.now();
  deserialize(bytes);
  return { encodeMs, decodeMs: performance.now() - t, bytes: bytes.byteLength };
}

/** Stop the sample early once it took this share of the projected whole and at least HEAVY_MS (heavy items). */
const HEAVY_SHARE = 0.05;
const HEAVY_MS = 20;
/**
 * For cheap items, grow the sample up to this much time (ms) for a stable estimate — more on long
 * lists (this share of their projected time, up to CHEAP_SAMPLE_MAX_MS): V8 optimises a function
 * only after many calls, and a sample that ends before that measures the slower unoptimised code
 * (4× slower per item, seen on 1 µs items).
 */
const CHEAP_SAMPLE_MS = 1;
const CHEAP_SAMPLE_SHARE = 0.005;
const CHEAP_SAMPLE_MAX_MS = 20;
/** ... but to no more than this many items, nor this share of the list. */
const CHEAP_MAX_ITEMS = 20_000;
const CHEAP_MAX_SHARE = 0.02;
/** A first transfer timing at least this long (ms) is used as it is: no warm pass, no repeats. */
const TRANSFER_TIMING_MS = 1;
/** Items faster than this (ms) are timed with robust statistics: a clock read or a preemption is as long as they are. */
const ROBUST_BELOW_MS = 0.05;

/**
 * Runs the dry run over `items`, writing sampled results into `results`. `call` runs one item and
 * returns its result (awaited when the function is async).
 */
export async function dryRun(
  items: readonly unknown[],
  results: unknown[],
  call: (item: unknown, index: number) => unknown,
  options: SampleOptions,
): Promise<SampleStats> {
  const started = performance.now();
  const n = items.length;
  const indices: number[] = [];
  const times: number[] = [];
  let callBytes = 0;
  let isAsync = false;
  const measured = Math.min(options.size, n);
  let quick = false;
  let sampleMs = 0;
  // The generator (and its Set) is made only when a second item is needed: tiny maps stop after one.
  let positions: Generator<number> | undefined;
  const nextIndex = (): number | undefined => {
    if (indices.length === 0) return n > 0 ? Math.min(n - 1, Math.floor(0.5 * n)) : undefined;
    if (!positions) {
      positions = spreadIndices(n);
      positions.next(); // the first index, already run
    }
    const next = positions.next();
    return next.done ? undefined : next.value;
  };
  // A promise only when the function returned one: awaiting a plain value costs a microtask turn,
  // as long as a microsecond item itself, and would be timed as the item's cost.
  const runOne = (i: number): Promise<void> | undefined => {
    const r = call(items[i], i);
    if (isThenable(r)) {
      isAsync = true;
      return r.then((v) => {
        results[i] = v;
        indices.push(i);
      }) as Promise<void>;
    }
    results[i] = r;
    indices.push(i);
    return undefined;
  };
  // The first item decides early start-up only when it alone is heavy; otherwise (its time is
  // mostly JIT warm-up) the typical item of the timed sample does.
  let firstAsked = false;
  const askFirst = (ms: number): boolean => {
    firstAsked = true;
    return options.onFirst?.(ms) ?? false;
  };
  let heavy = false;
  if (options.first) {
    results[options.first.index] = options.first.result;
    indices.push(options.first.index);
    times.push(options.first.ms);
    sampleMs = options.first.ms;
    isAsync = options.first.async;
    quick = n * options.first.ms < options.quickMs;
    if (!quick && options.first.ms >= HEAVY_MS && askFirst(options.first.ms)) heavy = true;
  }
  // Phase 1: items timed one by one (for the mean, the variability and the memory per call).
  while (!quick && !heavy && indices.length < measured) {
    const i = nextIndex();
    if (i === undefined) break;
    // Heap growth is tracked from the second item (the first one's includes compilation).
    const track = indices.length > 0;
    const heapBefore = track ? getHeapStatistics().used_heap_size : 0;
    const t0 = performance.now();
    const pending = runOne(i);
    if (pending) await pending;
    const dt = performance.now() - t0;
    if (track) callBytes = Math.max(callBytes, getHeapStatistics().used_heap_size - heapBefore);
    times.push(dt);
    sampleMs += dt;
    if (indices.length === 1 && n * dt < options.quickMs) quick = true;
    else if (sampleMs >= HEAVY_MS && (sampleMs >= HEAVY_SHARE * (sampleMs / indices.length) * n || (indices.length >= 2 && options.enoughMs !== undefined && sampleMs >= options.enoughMs()))) {
      heavy = true;
      break;
    }
    if (indices.length === 1 && !quick && !heavy && dt >= HEAVY_MS && askFirst(dt)) {
      heavy = true;
      break;
    }
  }
  // Phase 2: cheap items run on in timed blocks (one clock read per block, not per item) until the
  // sample is long enough to trust; the later, warmer blocks give the mean.
  const blocks: { ms: number; items: number }[] = [];
  const cap = Math.min(n, CHEAP_MAX_ITEMS, Math.max(measured, Math.floor(CHEAP_MAX_SHARE * n)));
  // The budget leaves out the first call (its JIT warm-up can alone exceed it) and, for items of
  // microseconds, counts the timed calls at their median: one call preempted by other work would
  // otherwise stop the sample at a few cold, noisy timings.
  const timed = times.length >= 3 ? times.slice(1) : times;
  const typical = median(timed);
  // Items of microseconds: single timings are mostly clock grain and cold code (2-3× the real
  // cost), so early start-up is decided after the blocks below, by their mean — workers booting
  // beside the blocks would also slow them and inflate the estimate.
  if (!quick && !heavy && !firstAsked && times.length > 0 && typical >= ROBUST_BELOW_MS && askFirst(typical)) heavy = true;
  let budgetMs = typical < ROBUST_BELOW_MS ? typical * timed.length : timed.reduce((a, b) => a + b, 0);
  const budgetLimit = Math.min(CHEAP_SAMPLE_MAX_MS, Math.max(CHEAP_SAMPLE_MS, CHEAP_SAMPLE_SHARE * typical * n));
  // Blocks are runs of consecutive items begun at spread positions: the caller's own loop walks the
  // list in order, and items picked one here, one there (each a cache miss, as is its result slot)
  // measured ~20-40% slower than that loop on microsecond items.
  const nextBlock = blockPicker(n, indices);
  for (let size = 8; !quick && !heavy && budgetMs < budgetLimit && indices.length < cap; size *= 2) {
    // Positions first, outside the clock: picking them costs about as much as a microsecond item.
    const block = nextBlock(Math.min(size, cap - indices.length));
    if (block.length === 0) break;
    const t0 = performance.now();
    for (const i of block) {
      const pending = runOne(i);
      if (pending) await pending;
    }
    const ran = block.length;
    const dt = performance.now() - t0;
    blocks.push({ ms: dt, items: ran });
    sampleMs += dt;
    budgetMs += dt;
  }
  const k = indices.length;
  // Leave out JIT warm-up: the first call (of at least three), and the earlier half of any blocks.
  const steady = times.length >= 3 ? times.slice(1) : times;
  const { mean: individualMean, std: plainStd } = meanStd(steady);
  // Microsecond items: spread from the median absolute deviation (robust to a preempted call).
  const std = typical < ROBUST_BELOW_MS && steady.length >= 3 ? Math.min(plainStd, 1.4826 * median(steady.map((t) => Math.abs(t - typical)))) : plainStd;
  const late = blocks.slice(Math.floor(blocks.length / 2));
  const lateItems = late.reduce((a, b) => a + b.items, 0);
  const mean = lateItems > 0 ? late.reduce((a, b) => a + b.ms, 0) / lateItems : individualMean;
  if (!quick && !heavy && !firstAsked && times.length > 0) askFirst(mean);
  // One literal object, no spreads: this runs for every map, and spreading a dozen properties is
  // (surprisingly) microseconds in V8 — as much as a tiny map's whole work.
  const stats: Mutable<SampleStats> = {
    indices,
    times,
    itemMs: mean,
    computeMs: sampleMs,
    cv: steady.length >= 2 && individualMean > 0 ? std / individualMean : 0.5,
    cvKnown: steady.length >= 2,
    firstMs: times[0] ?? 0,
    async: isAsync,
    itemEncodeMs: 0,
    itemDecodeMs: 0,
    resultEncodeMs: 0,
    resultDecodeMs: 0,
    itemBytes: 0,
    resultBytes: 0,
    callBytes: Math.max(0, callBytes),
    wallMs: 0,
    resultProblem: undefined,
    quick,
    transferMeasured: false,
  };
  if (!quick && (!options.measureTransfer || options.measureTransfer(mean, k))) measureTransfer(items, results, indices.slice(0, Math.max(1, times.length)), stats);
  stats.wallMs = performance.now() - started;
  return stats;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Consecutive items per run in a dry-run block: enough to walk memory in order as the caller's loop does. */
const RUN = 64;

/**
 * Picks blocks of positions not run yet (`ran`, and every block picked before): runs of up to
 * RUN consecutive positions, each begun at the next golden-ratio position, so a block still
 * samples the whole list (sorted or clustered items stay fairly sampled).
 */
export function blockPicker(n: number, ran: readonly number[]): (size: number) => number[] {
  const used = new Set<number>(ran);
  const phi = 0.6180339887498949;
  let x = 0.25;
  return (size) => {
    const block: number[] = [];
    for (let guard = 0; block.length < size && used.size < n && guard < 4 * size + 64; guard++) {
      x = (x + phi) % 1;
      const runEnd = block.length + Math.min(RUN, size - block.length);
      for (let i = Math.min(n - 1, Math.floor(x * n)); i < n && block.length < runEnd; i++) {
        if (used.has(i)) continue;
        used.add(i);
        block.push(i);
      }
    }
    return block;
  };
}

/**
 * Serialisation cost of the first few sampled items and their results (written into `stats`),
 * measured as a chunk travels: all of them in one array, after one untimed pass (the first
 * structured clone of a shape is much slower than the rest, and a single small value measures
 * the call, not the data). Per item: the array's cost divided by its length.
 */
function measureTransfer(items: readonly unknown[], results: readonly unknown[], on: readonly number[], stats: Mutable<SampleStats>): void {
  const sentResults: unknown[] = [];
  const candidates: unknown[] = [];
  for (const i of on) {
    const problem = transferProblem(results[i]);
    if (problem) {
      stats.resultProblem ??= { index: i, problem };
      continue;
    }
    sentResults.push(results[i]);
    candidates.push(items[i]);
  }
  /** The values' first timing, and the values that can be sent (an item that cannot is reported by the full check later). */
  const firstTiming = (values: unknown[]): { values: unknown[]; first: ReturnType<typeof timeCodec> | undefined } => {
    if (values.length === 0) return { values, first: undefined };
    try {
      return { values, first: timeCodec(values) };
    } catch {
      const ok = values.filter((v) => {
        try {
          serialize(encodeForTransfer(v));
          return true;
        } catch {
          return false;
        }
      });
      return { values: ok, first: ok.length > 0 ? timeCodec(ok) : undefined };
    }
  };
  const perItem = (all: unknown[]): { encodeMs: number; decodeMs: number; bytes: number } => {
    const { values, first } = firstTiming(all);
    if (!first) return { encodeMs: 0, decodeMs: 0, bytes: 0 };
    const bytes = first.bytes / values.length;
    // Megabytes take long enough to time once, cold or not (and each pass costs real time).
    if (first.encodeMs + first.decodeMs >= TRANSFER_TIMING_MS) return { encodeMs: first.encodeMs / values.length, decodeMs: first.decodeMs / values.length, bytes };
    // Small values are repeated up to ~64 KiB (at most 1,024 of them), so the fixed cost of a
    // message is not charged to each item: chunks of small items carry many.
    const m = Math.max(values.length, Math.min(1024, Math.ceil(65_536 / Math.max(1, bytes))));
    const chunk = m === values.length ? values : Array.from({ length: m }, (_, j) => values[j % values.length]);
    timeCodec(chunk);
    // Best of three: a sub-millisecond timing is easily doubled by a collection or a preemption,
    // and the noise only ever adds (seen: 6× the main thread's per-item cost, flipping a plan).
    let encodeMs = Infinity;
    let decodeMs = Infinity;
    for (let k = 0; k < 3; k++) {
      const t = timeCodec(chunk);
      encodeMs = Math.min(encodeMs, t.encodeMs);
      decodeMs = Math.min(decodeMs, t.decodeMs);
    }
    return { encodeMs: encodeMs / m, decodeMs: decodeMs / m, bytes };
  };
  const a = perItem(candidates);
  const b = perItem(sentResults);
  stats.itemEncodeMs = a.encodeMs;
  stats.itemDecodeMs = a.decodeMs;
  stats.itemBytes = a.bytes;
  stats.resultEncodeMs = b.encodeMs;
  stats.resultDecodeMs = b.decodeMs;
  stats.resultBytes = b.bytes;
  stats.transferMeasured = true;
}
