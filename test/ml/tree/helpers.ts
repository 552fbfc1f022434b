/** Shared helpers for the tree, forest and boosting tests. */
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

/** Saves a model through the artifact codecs and loads it back. */
export function roundTrip<T>(model: T): T {
  const encoded = encodeValue(model);
  return decodeValue(encoded.codec, Buffer.concat(encoded.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)))) as T;
}

/** The 6-row, 2-feature example worked by hand in decision-tree.test.ts. */
export const SIX_X = [
  [1, 3],
  [2, 1],
  [3, 4],
  [4, 2],
  [5, 6],
  [6, 5],
];
export const SIX_Y = [0, 0, 0, 1, 1, 0];

/**
 * A deterministic noisy 2-class problem on distinct rows in [0, 1)^cols: class 1 when
 * x0 + x1 > 1, flipped for every 10th row.
 */
export function twoClass(n: number, cols = 2): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  const primes = [1, 7, 11, 13, 17, 19, 23, 29];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) row.push(((i * primes[c % primes.length]! + c) % n) / n);
    x.push(row);
    const label = row[0]! + row[1]! > 1 ? 1 : 0;
    y.push(i % 10 === 0 ? 1 - label : label);
  }
  return { x, y };
}
