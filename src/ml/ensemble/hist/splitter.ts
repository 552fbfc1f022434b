/**
 * Best split of a node from its histogram, as scikit-learn's HistGradientBoosting splitter:
 * gain = Σ_children G²/(H+λ) − G²/(H+λ) written with the node's value, bins scanned left to right
 * (missing values go right) and, when the feature had missing values, right to left (missing go left).
 */
import { CELL } from './histogram.js';

export interface SplitterParams {
  readonly minSamplesLeaf: number;
  readonly minHessianToSplit: number;
  readonly l2Regularization: number;
  /** Hessians are constant (squared error): the count stands in for the hessian sum. */
  readonly constantHessian: boolean;
}

export interface SplitInfo {
  gain: number;
  feature: number;
  /** Rows with bin <= binThreshold go left (plus missing ones when missingLeft). */
  binThreshold: number;
  missingLeft: boolean;
  sumGradLeft: number;
  sumHessLeft: number;
  nLeft: number;
  valueLeft: number;
  valueRight: number;
}

/** Leaf value before shrinkage: −G / (H + λ). */
export function nodeValue(sumGrad: number, sumHess: number, l2: number): number {
  return -sumGrad / (sumHess + l2 + 1e-15);
}

/**
 * Scans every feature; returns the best split, or `undefined` when no split satisfies
 * `minSamplesLeaf` / `minHessianToSplit` with a positive gain.
 */
export function findBestSplit(
  hist: Float64Array,
  offsets: Int32Array,
  nBinsNonMissing: Int32Array,
  hasMissing: Uint8Array,
  nSamples: number,
  sumGrad: number,
  sumHess: number,
  value: number,
  p: SplitterParams,
): SplitInfo | undefined {
  const d = nBinsNonMissing.length;
  const l2 = p.l2Regularization + 1e-15;
  const minLeaf = p.minSamplesLeaf;
  const minHess = p.minHessianToSplit;
  const constant = p.constantHessian;
  const lossNode = sumGrad * value;
  let bestGain = 0; // gains must be > 0 (min_gain_to_split = 0)
  let found = false;
  let bf = -1;
  let bb = 0;
  let bMissLeft = false;
  let bgl = 0;
  let bhl = 0;
  let bnl = 0;
  for (let f = 0; f < d; f++) {
    const base = offsets[f]! * CELL;
    const nb = nBinsNonMissing[f]!;
    const miss = hasMissing[f]!;
    // Left to right: missing values (if any) stay on the right.
    const end = nb - 1 + miss;
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let b = 0; b < end; b++) {
      const c = base + b * CELL;
      const cnt = hist[c + 2]!;
      nl += cnt;
      const nr = nSamples - nl;
      hl += constant ? cnt : hist[c + 1]!;
      const hr = sumHess - hl;
      gl += hist[c]!;
      const gr = sumGrad - gl;
      if (nl < minLeaf) continue;
      if (nr < minLeaf) break;
      if (hl < minHess) continue;
      if (hr < minHess) break;
      const gain = lossNode + (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2);
      if (gain > bestGain) {
        found = true;
        bestGain = gain;
        bf = f;
        bb = b;
        bMissLeft = false;
        bgl = gl;
        bhl = hl;
        bnl = nl;
      }
    }
    if (!miss) continue;
    // Right to left: missing values go left.
    let gr = 0;
    let hr = 0;
    let nr = 0;
    for (let b = nb - 2; b >= 0; b--) {
      const c = base + (b + 1) * CELL;
      const cnt = hist[c + 2]!;
      nr += cnt;
      const nl2 = nSamples - nr;
      hr += constant ? cnt : hist[c + 1]!;
      const hl2 = sumHess - hr;
      gr += hist[c]!;
      const gl2 = sumGrad - gr;
      if (nr < minLeaf) continue;
      if (nl2 < minLeaf) break;
      if (hr < minHess) continue;
      if (hl2 < minHess) break;
      const gain = lossNode + (gl2 * gl2) / (hl2 + l2) + (gr * gr) / (hr + l2);
      if (gain > bestGain) {
        found = true;
        bestGain = gain;
        bf = f;
        bb = b;
        bMissLeft = true;
        bgl = gl2;
        bhl = hl2;
        bnl = nl2;
      }
    }
  }
  if (!found) return undefined;
  return {
    gain: bestGain,
    feature: bf,
    binThreshold: bb,
    missingLeft: bMissLeft,
    sumGradLeft: bgl,
    sumHessLeft: bhl,
    nLeft: bnl,
    valueLeft: nodeValue(bgl, bhl, p.l2Regularization),
    valueRight: nodeValue(sumGrad - bgl, sumHess - bhl, p.l2Regularization),
  };
}
