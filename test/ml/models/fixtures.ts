/** Small seeded data generators and assertions shared by the model tests. */
import assert from 'node:assert/strict';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { Random } from '../../../src/ml/core/random.js';
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

export const close = (actual: number, expected: number, tol = 1e-9, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} ± ${tol}, got ${actual}`);

/** Gaussian blobs around the given centres, `perBlob` rows each, labels 0..k-1 in blob order. */
export function blobs(centres: readonly (readonly number[])[], perBlob: number, std: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Random(seed);
  const d = centres[0]!.length;
  const n = centres.length * perBlob;
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  centres.forEach((c, k) => {
    for (let i = 0; i < perBlob; i++) {
      const r = k * perBlob + i;
      y[r] = k;
      for (let j = 0; j < d; j++) data[r * d + j] = c[j]! + rng.normal(0, std);
    }
  });
  return { x: new Matrix(n, d, data), y };
}

/** Linearly separable-ish standardised problem: y = [x·w + noise > 0]. */
export function linearProblem(n: number, d: number, noise: number, seed: number): { x: Matrix; y: Int32Array; w: Float64Array } {
  const rng = new Random(seed);
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) w[j] = rng.normal();
  const data = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = noise * rng.normal();
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      data[i * d + j] = v;
      s += v * w[j]!;
    }
    y[i] = s > 0 ? 1 : 0;
  }
  return { x: new Matrix(n, d, data), y, w };
}

/** Fraction of equal entries. */
export function accuracyOf(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Saves and loads a model through the artifact codecs, as the store does. */
export function roundTrip<T>(model: T): T {
  const encoded = encodeValue(model);
  const bytes = Buffer.concat(encoded.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  const decoded = decodeValue(encoded.codec, new Uint8Array(bytes)) as T;
  assert.ok(encoded.codec.startsWith('ml.'), `expected a registered ml codec, got ${encoded.codec}`);
  return decoded;
}
