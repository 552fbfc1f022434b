/**
 * The cost model: how long the rest of a map takes serially, and with W workers and chunks of C
 * items. Pure arithmetic over measured numbers, so every choice can be explained and tested.
 *
 * With W workers (C items per chunk, K chunks):
 *   start   S = cold start (thread + module import; cold workers compete for cores) + shared value
 *             — meanwhile the main thread keeps running items itself (`helped`)
 *   chunks  guided: C items while plenty is left, then halving down to m (dispatch ≤ 5% of a chunk's
 *           compute, smaller for uneven items): K ≈ rest/C + W·log2(C/m)
 *   worker  (items × (compute + item decode + result encode) × slowdown + K × dispatch) / W
 *   main    items × (item encode + result decode) + K × dispatch   (the coordinator is serial)
 *   slowdown  each busy thread gets min(1, cores / (other busy cores + our threads)) of a core —
 *           Linux shares cores fairly — relative to the one-thread share the dry run ran at, and
 *           runs at the measured thread efficiency when several cores are busy (cores slow each
 *           other down: shared caches, a hypervisor's siblings, no boost clock)
 *   tail    ½ last chunk × (W−1)/W + cv × compute × √m            (workers finish their last chunks at different
 *                                                                    times; uneven items widen that)
 *   total   S + max(worker, main) + round trip + tail
 * Parallel is chosen only when it beats serial by a clear margin (model error must not make a map
 * slower than a plain loop).
 */

/** What the dry run measured about the items (per item unless said otherwise; ms and bytes). */
export interface WorkloadStats {
  /** Items left after the dry run. */
  readonly remaining: number;
  /** Mean compute per item and its coefficient of variation (std / mean). */
  readonly itemMs: number;
  readonly cv: number;
  /** Main thread: encode an item, decode a result (+ checking the item can be sent). */
  readonly mainPerItemMs: number;
  /** Worker: decode an item, encode a result. */
  readonly workerPerItemMs: number;
  readonly itemBytes: number;
  readonly resultBytes: number;
  /** Memory one call allocates. */
  readonly callBytes: number;
  readonly sharedBytes: number;
  /** Main-thread ms to send the shared value to one worker; ms for a worker to receive it. */
  readonly sharedMainMs: number;
  readonly sharedWorkerMs: number;
}

/** What the machine offers this map. */
export interface Capacity {
  /** Cores this map may use (fractional allowed; already reduced when nested in parallel work). */
  readonly cores: number;
  /** Cores other processes keep busy (measured): our threads then get a fair share, not whole cores. */
  readonly otherBusy?: number;
  /** Upper bound on workers (user option); the model also caps by cores and memory. */
  readonly maxWorkers: number;
  /** ms until a new worker can run the function (thread start + module import). */
  readonly startMs: number;
  /** Idle workers that can run the function right away. */
  readonly warmWorkers: number;
  readonly roundTripMs: number;
  /** Per-chunk dispatch cost when chunks are pipelined. */
  readonly pipelinedMs: number;
  readonly freeBytes: number;
  readonly workerBytes: number;
  /** Per-thread speed with every core busy, relative to one busy thread (measured; default 1). */
  readonly threadEfficiency?: number;
}

/** One configuration's estimated time, by part. */
export interface Estimate {
  readonly workers: number;
  /** The largest chunk, sent first; chunks shrink towards `minChunk` as the list runs out (guided scheduling). */
  readonly chunkSize: number;
  readonly minChunk: number;
  readonly chunks: number;
  readonly totalMs: number;
  readonly startMs: number;
  /** Items the main thread runs itself while workers start. */
  readonly helpedItems: number;
  readonly workerMs: number;
  readonly mainMs: number;
  readonly dispatchMs: number;
  readonly tailMs: number;
  readonly memoryPerWorker: number;
  /** Why the configuration cannot be used at all (memory), if so. */
  readonly infeasible?: string;
}

/** A configuration the planner did not choose, and why. */
export interface Alternative {
  readonly workers: number;
  readonly chunkSize: number;
  readonly totalMs: number;
  readonly reason: string;
}

export interface Choice {
  /** 0 workers = serial. */
  readonly workers: number;
  readonly chunkSize: number;
  readonly minChunk: number;
  readonly serialMs: number;
  readonly chosen: Estimate | undefined;
  readonly best: Estimate | undefined;
  readonly alternatives: readonly Alternative[];
  readonly reasons: readonly string[];
}

/** Parallel must be estimated at least this much faster than serial (a margin for model error). */
export const MIN_GAIN = 0.1;
/** Memory the planner lets workers use: this share of what is free. */
export const MEMORY_SHARE = 0.7;
/** Configurations within this share of the best count as ties. */
const TIE = 0.02;
/** A chunk with at least this much compute (ms) is "real work": dispatch cost is negligible next to it. */
const HEAVY_CHUNK_MS = 50;

/**
 * The share of a core each of `threads` busy threads of ours gets when `other` cores are busy with
 * other processes' work: Linux shares the cores fairly between runnable threads.
 */
export function threadShare(cores: number, other: number, threads: number): number {
  return Math.min(1, cores / (other + threads));
}

/**
 * Speed of each of `busy` busy threads (all of them, ours and others') relative to one busy
 * thread alone: 1 for one, the measured efficiency once every core is busy, in between linearly.
 */
export function threadSpeed(cores: number, efficiency: number, busy: number): number {
  if (busy <= 1 || cores <= 1) return 1;
  return 1 - (1 - efficiency) * Math.min(1, (busy - 1) / (cores - 1));
}

export function estimate(w: WorkloadStats, c: Capacity, workers: number, chunkSize: number): Estimate {
  const R = w.remaining;
  const other = c.otherBusy ?? 0;
  const efficiency = c.threadEfficiency ?? 1;
  // A thread's speed: its fair share of a core, at the speed cores keep when that many are busy.
  const share = (threads: number): number => threadShare(c.cores, other, threads) * threadSpeed(c.cores, efficiency, other + threads);
  // The dry run ran alone in this thread: its times are at the one-thread share.
  const measuredAt = share(1);
  const memoryPerWorker = c.workerBytes + 2 * w.sharedBytes + w.callBytes + 2 * chunkSize * (w.itemBytes + w.resultBytes);
  const cold = Math.max(0, workers - c.warmWorkers);
  // Cold workers start at once and compete for cores with each other and with the main thread.
  const coldStart = cold > 0 ? c.startMs / share(cold + 1) : 0;
  const startMs = coldStart + (workers > 0 && w.sharedBytes > 0 ? w.sharedWorkerMs + workers * w.sharedMainMs : 0);
  const mainRate = cold > 0 ? share(cold + 1) / measuredAt : 1;
  const helpedItems = w.itemMs > 0 ? Math.min(R, Math.floor((startMs * mainRate) / w.itemMs)) : R;
  const base = { workers, chunkSize, minChunk: chunkSize, memoryPerWorker, helpedItems };
  if (helpedItems >= R) {
    // The main thread finishes everything before any worker is ready.
    const totalMs = (R * w.itemMs) / mainRate;
    return { ...base, chunks: 0, totalMs, startMs, workerMs: 0, mainMs: totalMs, dispatchMs: 0, tailMs: 0 };
  }
  const rest = R - helpedItems;
  // Guided scheduling: full chunks while plenty is left, then ever smaller ones (down to minChunk)
  // so the last chunks — the ones workers finish unevenly — are short.
  const minChunk = Math.min(chunkSize, smallestChunk(w, c));
  const halvings = minChunk < chunkSize ? Math.ceil(Math.log2(chunkSize / minChunk)) : 0;
  const chunks = Math.ceil(rest / chunkSize) + workers * halvings;
  // W busy workers each get share(W) of a core; the sample was measured at share(1).
  const slowdown = measuredAt / share(workers);
  const itemWorkerMs = (w.itemMs + w.workerPerItemMs) * slowdown;
  const workerMs = (rest * itemWorkerMs + chunks * c.pipelinedMs) / workers + (halvings === 0 ? (Math.ceil(chunks / workers) - chunks / workers) * (chunkSize * itemWorkerMs + c.pipelinedMs) : 0);
  const dispatchMs = chunks * c.pipelinedMs;
  const mainMs = (rest * w.mainPerItemMs + dispatchMs) * (measuredAt / share(workers + 1));
  const lastChunkMs = Math.min(chunkSize, minChunk) * itemWorkerMs + c.pipelinedMs;
  const tailMs = workers > 1 ? (0.5 * lastChunkMs * (workers - 1)) / workers + w.cv * w.itemMs * slowdown * Math.sqrt(minChunk) : 0;
  const totalMs = startMs + Math.max(workerMs, mainMs) + c.roundTripMs + tailMs;
  const est: Estimate = { ...base, minChunk, chunks, totalMs, startMs, workerMs, mainMs, dispatchMs, tailMs };
  if (workers * memoryPerWorker > MEMORY_SHARE * c.freeBytes) {
    return { ...est, infeasible: `needs ~${mib(workers * memoryPerWorker)} for ${workers} workers, ${mib(c.freeBytes)} free` };
  }
  return est;
}

/**
 * The smallest chunk worth a message: its dispatch costs at most 5% of its compute; smaller when
 * items vary (cv), as uneven items make the last chunks' ends more uneven.
 */
export function smallestChunk(w: Pick<WorkloadStats, 'itemMs' | 'workerPerItemMs' | 'cv'>, c: Pick<Capacity, 'pipelinedMs' | 'roundTripMs'>): number {
  const perItem = Math.max(w.itemMs + w.workerPerItemMs, 1e-6);
  const byDispatch = Math.ceil((20 * Math.max(c.pipelinedMs, c.roundTripMs / 4)) / perItem);
  return Math.max(1, Math.floor(byDispatch / (1 + w.cv)));
}

/** Chunk sizes worth trying for W workers: powers of two, and even splits into W, 2W, 4W, 8W chunks. */
export function chunkCandidates(remaining: number, workers: number): number[] {
  const max = Math.max(1, Math.ceil(remaining / workers));
  const out = new Set<number>();
  for (let c = 1; c <= max; c *= 2) out.add(c);
  for (const k of [1, 2, 4, 8, 16]) out.add(Math.max(1, Math.ceil(remaining / (workers * k))));
  return [...out].sort((a, b) => a - b);
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 10 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
}

/** Why `alt` loses to `chosen`: the part of its estimate that grew most. */
function whyWorse(alt: Estimate, chosen: Estimate, cores: number): string {
  if (alt.infeasible) return `memory: ${alt.infeasible}`;
  const phase = (e: Estimate): number => Math.max(e.workerMs, e.mainMs);
  const deltas: [number, string][] = [
    [alt.startMs - chosen.startMs, `worker start-up ${ms(alt.startMs)} vs ${ms(chosen.startMs)}`],
    [alt.dispatchMs - chosen.dispatchMs, `${alt.chunks} chunks cost ${ms(alt.dispatchMs)} of dispatch vs ${ms(chosen.dispatchMs)}`],
    [alt.tailMs - chosen.tailMs, `bigger chunks balance worse (a slow last chunk: +${ms(alt.tailMs - chosen.tailMs)})`],
    [phase(alt) - phase(chosen), alt.workers > cores ? `only ${cores} core(s) for this map: extra workers share them` : `less work in parallel (${ms(phase(alt))} vs ${ms(phase(chosen))})`],
  ];
  deltas.sort((a, b) => b[0] - a[0]);
  const [delta, text] = deltas[0]!;
  return delta > 0 ? text : 'no better (a tie: fewer workers and bigger chunks preferred)';
}

/** Chooses workers and chunk size, or serial, with the alternatives considered and the reasons. */
export function choose(w: WorkloadStats, c: Capacity): Choice {
  const serialMs = w.remaining * w.itemMs;
  const reasons: string[] = [];
  const maxWorkers = Math.max(0, Math.min(c.maxWorkers, Math.ceil(c.cores), w.remaining));
  if (maxWorkers < 1 || w.remaining < 2) {
    return { workers: 0, chunkSize: w.remaining, minChunk: w.remaining, serialMs, chosen: undefined, best: undefined, alternatives: [], reasons: ['nothing to split'] };
  }
  const all: Estimate[] = [];
  for (let workers = 1; workers <= maxWorkers; workers++) {
    for (const size of chunkCandidates(w.remaining, workers)) all.push(estimate(w, c, workers, size));
  }
  const feasible = all.filter((e) => !e.infeasible);
  const bestTotal = Math.min(...feasible.map((e) => e.totalMs));
  // Among near-ties prefer fewer workers (less CPU and memory); then, for cheap chunks, bigger ones
  // (fewer messages), and for chunks of real work, smaller ones (they absorb slow workers better).
  const heavyChunks = (e: Estimate): boolean => e.chunkSize * w.itemMs >= HEAVY_CHUNK_MS;
  const best = feasible
    .filter((e) => e.totalMs <= bestTotal * (1 + TIE))
    .sort((a, b) => a.workers - b.workers || (heavyChunks(a) && heavyChunks(b) ? a.chunkSize - b.chunkSize : b.chunkSize - a.chunkSize))[0];
  const bestPerWorkers = new Map<number, Estimate>();
  for (const e of all) {
    const seen = bestPerWorkers.get(e.workers);
    if (!seen || (seen.infeasible && !e.infeasible) || (!!seen.infeasible === !!e.infeasible && e.totalMs < seen.totalMs)) bestPerWorkers.set(e.workers, e);
  }
  const parallelPays = best !== undefined && best.totalMs <= serialMs * (1 - MIN_GAIN);
  const alternatives: Alternative[] = [];
  if (parallelPays) {
    alternatives.push({ workers: 0, chunkSize: w.remaining, totalMs: serialMs, reason: `${(serialMs / best.totalMs).toFixed(2)}× slower than the plan` });
    for (const [workers, e] of bestPerWorkers) {
      if (workers !== best.workers) alternatives.push({ workers, chunkSize: e.chunkSize, totalMs: e.totalMs, reason: whyWorse(e, best, c.cores) });
    }
    const sameW = all.filter((e) => e.workers === best.workers && !e.infeasible);
    const smaller = sameW.filter((e) => e.chunkSize < best.chunkSize).pop();
    const larger = sameW.find((e) => e.chunkSize > best.chunkSize);
    for (const e of [smaller, larger]) {
      if (e) alternatives.push({ workers: e.workers, chunkSize: e.chunkSize, totalMs: e.totalMs, reason: whyWorse(e, best, c.cores) });
    }
    if (best.minChunk < best.chunkSize) {
      reasons.push(
        `chunks shrink from ${best.chunkSize} to ${best.minChunk} items as the list runs out, so the last ones end close together${
          w.cv >= 0.5 ? ` (items vary, cv ${w.cv.toFixed(2)})` : ''
        }`,
      );
    } else if (w.cv >= 0.5 && best.chunks > 1) reasons.push(`items vary (cv ${w.cv.toFixed(2)}): chunks kept small so a slow chunk does not hold up the end`);
    if (best.helpedItems > 0) reasons.push(`the main thread runs ~${best.helpedItems} items itself while workers start`);
    const memCapped = [...bestPerWorkers.values()].find((e) => e.infeasible);
    if (memCapped) reasons.push(`workers capped by memory: ${memCapped.infeasible}`);
    return { workers: best.workers, chunkSize: best.chunkSize, minChunk: best.minChunk, serialMs, chosen: best, best, alternatives, reasons };
  }
  for (const [workers, e] of bestPerWorkers) {
    if (workers === best?.workers) continue;
    const gain = serialMs / e.totalMs;
    alternatives.push({
      workers,
      chunkSize: e.chunkSize,
      totalMs: e.totalMs,
      reason: e.infeasible ? `memory: ${e.infeasible}` : gain < 1 ? 'slower than serial' : `only ${gain.toFixed(2)}× estimated`,
    });
  }
  if (best) {
    const gain = serialMs / best.totalMs;
    alternatives.unshift({
      workers: best.workers,
      chunkSize: best.chunkSize,
      totalMs: best.totalMs,
      reason:
        best.helpedItems >= w.remaining
          ? `slower than serial: worker start-up alone (${ms(best.startMs)}) is longer than the ${ms(serialMs)} of work left`
          : gain < 1
            ? 'slower than serial: overheads exceed the gain'
            : `only ${gain.toFixed(2)}× estimated: below the ${(1 / (1 - MIN_GAIN)).toFixed(2)}× needed to be worth the risk`,
    });
    reasons.push(gain < 1 ? 'parallel would not pay' : 'parallel would barely pay');
  } else {
    const e = all[0];
    if (e?.infeasible) reasons.push(`not enough memory for workers: ${e.infeasible}`);
  }
  return { workers: 0, chunkSize: w.remaining, minChunk: w.remaining, serialMs, chosen: undefined, best, alternatives, reasons };
}
