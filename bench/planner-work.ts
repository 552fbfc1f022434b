/**
 * The synthetic workload of bench/planner.ts: a parallel function that burns a calibrated amount
 * of CPU per item and touches the item's payload. Imported by map workers, so: definitions only.
 */
import { parallel } from '../src/runtime/planner/parallel.js';

/**
 * Real floating-point work, `iterations` loop turns. The sine's argument stays small: for large
 * arguments its range reduction makes a turn ~4× slower, and a 200 ms item (13M turns) would take
 * 800 ms against a calibration done with small ones.
 */
export function burn(iterations: number): number {
  let acc = 0;
  for (let i = 1; i <= iterations; i++) acc += Math.sqrt(i) * Math.sin(i & 1023);
  return acc;
}

/** An item: its cost in loop turns, and optionally a payload that has to travel with it. */
export interface Item {
  readonly iters: number;
  readonly data: Uint8Array;
}

/** Small items are plain numbers (a few bytes on the wire); payload items carry a byte array. */
export const spin = parallel('bench.planner.spin', (item: number | Item): number => {
  if (typeof item === 'number') return burn(item);
  let acc = 0;
  const d = item.data;
  for (let i = 0; i < d.length; i += 4096) acc += d[i]!;
  return burn(item.iters) + acc;
});

/** Loop turns per millisecond on this machine (best of many tries, so other work's spikes do not skew it). */
export function calibrate(): number {
  let best = Infinity;
  for (let k = 0; k < 40; k++) {
    const t = performance.now();
    burn(200_000);
    best = Math.min(best, performance.now() - t);
  }
  return 200_000 / best;
}
