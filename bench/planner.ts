/**
 * planner: the overhead-aware planner against an exhaustive search over (workers, chunk size), on
 * a grid of synthetic workloads — per-item cost {1 µs, 100 µs, 10 ms, 200 ms} × payload {10 B,
 * 100 KB, 1 MB} × items {100, 10,000, 1,000,000 where sensible}, plus a heterogeneous mix.
 * "Sensible": item memory ≤ 200 MB and serial time ≤ ~20 s (1,000,000 items only at 1 µs; 10,000
 * only for 10 B payloads below 10 ms; the 200 ms row at 10 B and 1 MB).
 *
 * Every parallel run starts from a cold pool (workers are ended before it), as the first map of a
 * process would; the planner's time includes its dry run. The machine facts are measured once
 * before the grid, and the work module's import time is recorded once (what a second run of a
 * real flow would know).
 *
 * Noise (the machine may be shared): configurations are timed in interleaved rounds, medians are
 * compared. Round 1 times every grid configuration once; later rounds re-time serial, the planner
 * and the three best configurations of round 1. Cells under 20 ms get 15 rounds, under 2 s 5, else 3.
 * Cells under 5 ms time serial and the planner as the median of up to 50 calls, alternating call by
 * call. The best configuration is the one with the lowest median; "of best" then compares fresh,
 * paired runs of it and of the planner (as many as rounds, at least 3), because the search's own
 * figures for the configuration it picked are its luckiest (the winner's curse). The load average
 * is printed per cell: on a machine busy with other work, figures mean little.
 *
 * Targets: the planner reaches >= 90% of the best configuration's throughput on every cell; it is
 * never more than 10% slower than plain serial execution; coarse CPU-bound items (200 ms) reach
 * >= 1.8× on 2 cores. Exits 1 when a target fails.
 *
 * Usage: node --import tsx bench/planner.ts [--quick] [cell name filter ...]
 *   --quick: 3 rounds at most (1 for cells over 5 s) and no 200 ms row — a smoke run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { map, mapPool, mapWith, measureMachine, usableCores, type MapPlanData } from '../src/runtime/planner/index.js';
import { median } from './lib.js';
import { calibrate, spin, type Item } from './planner-work.js';

const KB = 1024;
const MB = 1024 * 1024;

interface Cell {
  readonly name: string;
  readonly itemMs: number;
  readonly payload: number;
  readonly n: number;
  readonly hetero?: boolean;
  readonly coarse?: boolean;
}

const CELLS: Cell[] = [
  { name: '1us-10B-100', itemMs: 0.001, payload: 0, n: 100 },
  { name: '1us-10B-10k', itemMs: 0.001, payload: 0, n: 10_000 },
  { name: '1us-10B-1M', itemMs: 0.001, payload: 0, n: 1_000_000 },
  { name: '1us-100KB-100', itemMs: 0.001, payload: 100 * KB, n: 100 },
  { name: '1us-1MB-100', itemMs: 0.001, payload: MB, n: 100 },
  { name: '100us-10B-100', itemMs: 0.1, payload: 0, n: 100 },
  { name: '100us-10B-10k', itemMs: 0.1, payload: 0, n: 10_000 },
  { name: '100us-100KB-100', itemMs: 0.1, payload: 100 * KB, n: 100 },
  { name: '100us-1MB-100', itemMs: 0.1, payload: MB, n: 100 },
  { name: '10ms-10B-100', itemMs: 10, payload: 0, n: 100 },
  { name: '10ms-100KB-100', itemMs: 10, payload: 100 * KB, n: 100 },
  { name: '10ms-1MB-100', itemMs: 10, payload: MB, n: 100 },
  { name: '200ms-10B-100', itemMs: 200, payload: 0, n: 100, coarse: true },
  { name: '200ms-1MB-100', itemMs: 200, payload: MB, n: 100, coarse: true },
  { name: 'mixed-10B-10k', itemMs: 0.3, payload: 0, n: 10_000, hetero: true },
];

interface Config {
  readonly workers: number;
  readonly chunk: number;
}

const label = (c: Config): string => (c.workers === 0 ? 'serial' : `${c.workers}w×${c.chunk}`);

/** Items of a cell: plain numbers (loop turns) for 10 B, objects with a distinct byte array otherwise. */
function build(cell: Cell, turnsPerMs: number): (number | Item)[] {
  const turns = (ms: number): number => Math.max(1, Math.round(ms * turnsPerMs));
  const cost = (i: number): number => {
    if (!cell.hetero) return turns(cell.itemMs);
    // 95% light items (0.1 ms), then 5% heavy ones (4 ms) at the end, as in a list sorted by size.
    return i < cell.n * 0.95 ? turns(0.1) : turns(4);
  };
  return Array.from({ length: cell.n }, (_, i) => (cell.payload === 0 ? cost(i) : { iters: cost(i), data: new Uint8Array(cell.payload).fill(i & 255) }));
}

/** Every (workers, chunk) worth timing: workers 1..4, chunks in powers of 4 up to an even split. */
function grid(n: number, serialMs: number): Config[] {
  const out: Config[] = [];
  for (let workers = 1; workers <= 4; workers++) {
    const max = Math.ceil(n / workers);
    const sizes = new Set<number>([max]);
    // Powers of 4; on long cells (seconds per configuration) only 1, 4 and the even split.
    for (let c = 1; c < max && (serialMs <= 5000 || c <= 4); c *= 4) sizes.add(c);
    for (const chunk of sizes) {
      if (n / chunk > 20_000) continue; // more messages than any sane plan would send
      // One worker cannot beat serial by more than what the main thread runs while it starts:
      // on long cells only its single-chunk form is timed.
      if (workers === 1 && serialMs > 5000 && chunk !== max) continue;
      out.push({ workers, chunk });
    }
  }
  return out;
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

/** Stands for the fast path's "plan" (a tiny map runs in a plain loop and reports nothing). */
const TINY = { mode: 'serial', workers: 0, chunkSize: 0, estimate: { speedup: 1 } } as unknown as MapPlanData;

interface CellResult {
  readonly cell: Cell;
  readonly serial: number[];
  readonly planner: number[];
  readonly plans: MapPlanData[];
  readonly configs: Map<string, { config: Config; times: number[] }>;
  /** The search's best configuration, and its confirmation runs' median with the planner's, paired. */
  readonly best: { config: Config; ms: number; plannerMs: number };
}

async function runCell(cell: Cell, turnsPerMs: number, home: string, quick: boolean): Promise<CellResult> {
  const items = build(cell, turnsPerMs);
  const serialRun = (): number[] => {
    const out = new Array<number>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = spin(items[i]!, i, undefined) as number;
    return out;
  };
  const reference = serialRun(); // also warms this thread's JIT, as any earlier work would
  const t0 = performance.now();
  serialRun();
  const estimate = performance.now() - t0;
  const rounds = quick ? (estimate > 5000 ? 1 : 3) : estimate < 20 ? 15 : estimate < 2000 ? 5 : 3;
  const serial: number[] = [];
  const planner: number[] = [];
  const plans: MapPlanData[] = [];
  const configs = new Map<string, { config: Config; times: number[] }>();

  // Cells of a few milliseconds are timed as the median of back-to-back calls (one clock read per
  // call is then not noise); that is only done for serial and the planner, whose tiny maps start no
  // workers. Timed together, they alternate call by call, so both see the same caches and clock.
  const batch = estimate < 5 ? Math.min(50, Math.ceil(5 / Math.max(estimate, 0.01))) : 1;
  const planner1 = async (): Promise<void> => {
    // onRealised only: maps too small to plan take the fast path and report nothing.
    let plan: MapPlanData | undefined;
    const results = await map(items, spin, { home, onRealised: (p) => (plan = p) });
    plans.push(plan ?? TINY);
    const mid = items.length >> 1;
    if (results.length !== reference.length || results[mid] !== reference[mid] || results[items.length - 1] !== reference[items.length - 1]) {
      throw new Error(`${cell.name}: the planner's results differ from serial`);
    }
  };
  type What = Config | 'planner' | 'serial';
  const runOnce = async (what: What): Promise<number> => {
    const started = performance.now();
    if (what === 'serial') serialRun();
    else if (what === 'planner') await planner1();
    else await mapWith(items, spin, { workers: what.workers, chunkSize: what.chunk, itemMs: cell.itemMs });
    return performance.now() - started;
  };
  /** Times `whats` (alternating their order), each from a cold pool; returns each one's median. */
  const timeTogether = async (whats: readonly What[]): Promise<number[]> => {
    const runs = whats.map(() => [] as number[]);
    const reps = whats.every((w) => typeof w === 'string') ? batch : 1;
    for (let k = 0; k < reps; k++) {
      const order = k % 2 ? [...whats.keys()].reverse() : [...whats.keys()];
      for (const j of order) {
        // Tiny batches start no workers: one shutdown before the batch is enough.
        if (reps === 1 || (k === 0 && j === order[0])) await mapPool().shutdown();
        runs[j]!.push(await runOnce(whats[j]!));
      }
    }
    return runs.map((r) => median(r));
  };
  const time = async (whats: readonly What[]): Promise<void> => {
    const ms = await timeTogether(whats);
    whats.forEach((what, j) => {
      if (what === 'serial') serial.push(ms[j]!);
      else if (what === 'planner') planner.push(ms[j]!);
      else {
        const key = label(what);
        const entry = configs.get(key) ?? { config: what, times: [] };
        entry.times.push(ms[j]!);
        configs.set(key, entry);
      }
    });
  };

  // Round 1: every configuration once, interleaved with serial and planner runs.
  const all = shuffle(grid(cell.n, estimate));
  const stride = Math.max(1, Math.ceil(all.length / 3));
  for (let i = 0; i < all.length; i++) {
    if (i % stride === 0) await time(['planner', 'serial']);
    await time([all[i]!]);
  }
  // Later rounds: serial with the planner, and the three best configurations, in shuffled order.
  const top = [...configs.values()].sort((a, b) => a.times[0]! - b.times[0]!).slice(0, 3).map((e) => e.config);
  while (planner.length < rounds) {
    for (const what of shuffle<What[]>([['planner', 'serial'], ...top.map((c) => [c])])) await time(what);
  }
  // The best configuration: lowest median over the rounds (serial included).
  const medians = [...configs.values()].map((e) => ({ config: e.config, ms: median(e.times) }));
  medians.push({ config: { workers: 0, chunk: cell.n }, ms: median(serial) });
  const selected = medians.sort((a, b) => a.ms - b.ms)[0]!.config;
  // Confirmation: the search picked the configuration whose runs happened to be fastest, so its
  // own figures flatter it (the winner's curse). The comparison uses fresh runs of it, paired with
  // fresh planner runs.
  const bestTimes: number[] = [];
  const plannerTimes: number[] = [];
  for (let k = 0; k < Math.max(3, rounds); k++) {
    const [p, b] = await timeTogether(['planner', selected.workers === 0 ? 'serial' : selected]);
    plannerTimes.push(p!);
    bestTimes.push(b!);
  }
  await mapPool().shutdown();
  const best = { config: selected, ms: median(bestTimes), plannerMs: median(plannerTimes) };
  return { cell, serial, planner, plans, configs, best };
}

/** A plan as the table shows it: serial, or workers × first chunk → last chunk. */
function planName(p: MapPlanData): string {
  return p === TINY ? 'serial (tiny)' : p.mode === 'serial' ? 'serial' : `${p.workers}w×${p.chunkSize}${p.minChunk < p.chunkSize ? `→${p.minChunk}` : ''}`;
}

function cellLine(r: CellResult): string {
  const serial = median(r.serial);
  const planner = median(r.planner);
  const chose = planName(r.plans[r.plans.length - 1]!);
  return `planner/${r.cell.name}: ${fmt(planner)} (${(serial / planner).toFixed(2)}× vs serial ${fmt(serial)}; ${Math.round((r.best.ms / r.best.plannerMs) * 100)}% of best ${label(r.best.config)} ${fmt(r.best.ms)} vs ${fmt(r.best.plannerMs)} paired; chose ${chose})`;
}

function report(results: readonly CellResult[]): boolean {
  const rows: string[][] = [['cell', 'serial', 'planner', 'vs serial', 'best config', 'best', 'planner, paired', 'of best', 'planner chose', 'est.', 'targets']];
  let ok = true;
  const lines: string[] = [];
  for (const r of results) {
    const serial = median(r.serial);
    const planner = median(r.planner);
    const plan = r.plans[r.plans.length - 1]!;
    // Every choice the planner made over the rounds (it re-plans each time; load can change its mind).
    const counts = new Map<string, number>();
    for (const p of r.plans) counts.set(planName(p), (counts.get(planName(p)) ?? 0) + 1);
    const chose = [...counts].map(([k, v]) => (counts.size > 1 ? `${k} ×${v}` : k)).join(', ');
    const ofBest = r.best.ms / r.best.plannerMs;
    const vsSerial = serial / planner;
    const fails: string[] = [];
    if (ofBest < 0.9) fails.push('<90% of best');
    if (planner > 1.1 * serial) fails.push('>10% slower than serial');
    if (r.cell.coarse && vsSerial < 1.8) fails.push('<1.8× on coarse items');
    ok &&= fails.length === 0;
    rows.push([
      r.cell.name,
      fmt(serial),
      fmt(planner),
      `${vsSerial.toFixed(2)}×`,
      label(r.best.config),
      fmt(r.best.ms),
      fmt(r.best.plannerMs),
      `${Math.round(ofBest * 100)}%`,
      chose,
      `${plan.estimate.speedup.toFixed(2)}×`,
      fails.length ? `FAIL ${fails.join(', ')}` : 'PASS',
    ]);
    lines.push(
      `planner/${r.cell.name}: ${fmt(planner)} (${vsSerial.toFixed(2)}× vs serial ${fmt(serial)}; ${Math.round(ofBest * 100)}% of best ${label(r.best.config)} ${fmt(r.best.ms)} vs planner ${fmt(r.best.plannerMs)} paired; ` +
        `planner ${fmt(Math.min(...r.planner))}–${fmt(Math.max(...r.planner))} over ${r.planner.length} runs)`,
    );
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  console.log('');
  for (const [i, row] of rows.entries()) {
    console.log(row.map((v, c) => (c === 0 || c === 4 || c === 8 || c === 10 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('');
  for (const line of lines) console.log(line);
  return ok;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick') || process.env.BENCH_PLANNER_QUICK === '1';
  const filters = args.filter((a) => !a.startsWith('--'));
  const cells = CELLS.filter((c) => (filters.length ? filters.some((f) => c.name.includes(f)) : !(quick && c.coarse)));
  const home = mkdtempSync(join(tmpdir(), 'sluice-bench-planner-'));
  try {
    const cores = usableCores();
    const turnsPerMs = calibrate();
    const facts = await measureMachine(home, cores.usable);
    // Record the work module's import time in a worker (what any later run of a flow knows).
    await map(Array.from({ length: 8 }, () => Math.round(turnsPerMs)), spin, { home, workers: 1, chunkSize: 4, mainThreadHelps: false });
    await mapPool().shutdown();
    console.log(
      `planner: ${cores.usable} usable cores (${cores.online} online${cores.cgroup !== undefined ? `, cgroup ${cores.cgroup}` : ''}); worker start ${fmt(facts.workerStartMs)}, ` +
        `round trip ${fmt(facts.roundTripMs)}, ${(turnsPerMs / 1000).toFixed(0)}k loop turns/ms; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}; ${quick ? 'quick run' : 'full run'}`,
    );
    const results: CellResult[] = [];
    for (const cell of cells) {
      const started = performance.now();
      const r = await runCell(cell, turnsPerMs, home, quick);
      results.push(r);
      process.stderr.write(`planner: ${cell.name} done in ${fmt(performance.now() - started)} (${r.configs.size} configurations, load average ${loadavg()[0]!.toFixed(1)})\n`);
      // Each cell's figures as soon as they exist: a long grid stopped midway keeps what it measured.
      process.stderr.write(`${cellLine(r)}\n`);
    }
    const ok = report(results);
    console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (on ${cores.online} cores; above ~${cores.online} other work shares them)`);
    console.log(`planner targets: ${ok ? 'PASS' : 'FAIL'} (>= 90% of best throughput, never > 10% slower than serial, >= 1.8× on 200 ms items)`);
    return ok ? 0 : 1;
  } finally {
    await mapPool().shutdown();
    rmSync(home, { recursive: true, force: true });
  }
}

process.exitCode = await main();
