/**
 * Feature binning for histogram gradient boosting, as scikit-learn's `_BinMapper`: each feature
 * gets at most `maxBins` (≤ 255) bins with thresholds at midpoints between distinct values, or at
 * quantiles (numpy's "midpoint" percentiles) when there are more distinct values than bins.
 * Missing values (NaN) go to one extra bin per feature, numbered right after the non-missing
 * ones (`nBinsNonMissing[f]`), which keeps histograms compact for low-cardinality features.
 */
import type { Matrix } from '../../core/matrix.js';
import type { Random } from '../../core/random.js';

/** Rows used to find thresholds on large data (scikit-learn's `subsample=2e5`). */
const SUBSAMPLE = 200_000;

export interface BinMapperState {
  /** Per feature, ascending thresholds: value v goes to the first bin b with v <= thresholds[b]. */
  readonly thresholds: Float64Array[];
  /** Per feature, number of non-missing bins (thresholds + 1). */
  readonly nBinsNonMissing: Int32Array;
  /** Per feature, 1 if the training data had missing values. */
  readonly hasMissing: Uint8Array;
}

function featureThresholds(values: Float64Array, maxBins: number): Float64Array {
  const sorted = values.sort();
  const distinct = new Float64Array(sorted.length);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[k++] = sorted[i]!;
  if (k <= maxBins) {
    const out = new Float64Array(Math.max(0, k - 1));
    for (let i = 0; i < out.length; i++) out[i] = (distinct[i]! + distinct[i + 1]!) * 0.5;
    return out;
  }
  // numpy.percentile(..., method="midpoint") at 100·i/maxBins for i = 1..maxBins-1.
  const n = sorted.length;
  const out = new Float64Array(maxBins - 1);
  for (let i = 1; i < maxBins; i++) {
    const pos = ((i * (100 / maxBins)) / 100) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    out[i - 1] = (sorted[lo]! + sorted[hi]!) * 0.5;
  }
  return out;
}

/** Finds bin thresholds for every column of `x` (rows listed in `rows`, default all). */
export function fitBins(x: Matrix, maxBins: number, rng: Random, rows?: Int32Array): BinMapperState {
  let use = rows;
  const n = use ? use.length : x.rows;
  if (n > SUBSAMPLE) {
    const perm = rng.permutation(n).subarray(0, SUBSAMPLE);
    use = Int32Array.from(perm, (i) => (rows ? rows[i]! : i));
  }
  const count = use ? use.length : x.rows;
  const thresholds: Float64Array[] = [];
  const nBinsNonMissing = new Int32Array(x.cols);
  const hasMissing = new Uint8Array(x.cols);
  const col = new Float64Array(count);
  for (let f = 0; f < x.cols; f++) {
    let k = 0;
    for (let i = 0; i < count; i++) {
      const v = x.data[(use ? use[i]! : i) * x.cols + f]!;
      if (Number.isNaN(v)) hasMissing[f] = 1;
      else col[k++] = v;
    }
    const t = featureThresholds(col.slice(0, k), maxBins);
    thresholds.push(t);
    nBinsNonMissing[f] = t.length + 1;
  }
  // Missing values in rows not used for thresholds still count (matters only above SUBSAMPLE rows).
  if (use !== rows) {
    for (let i = 0; i < (rows ? rows.length : x.rows); i++) {
      const r = rows ? rows[i]! : i;
      for (let f = 0; f < x.cols; f++) if (Number.isNaN(x.data[r * x.cols + f]!)) hasMissing[f] = 1;
    }
  }
  return { thresholds, nBinsNonMissing, hasMissing };
}

/**
 * Bins the listed rows of `x` (default all) into a row-major Uint8Array (rows × cols);
 * a missing value of feature f gets bin `nBinsNonMissing[f]`.
 */
export function binRows(x: Matrix, mapper: BinMapperState, rows?: Int32Array): Uint8Array {
  const n = rows ? rows.length : x.rows;
  const d = x.cols;
  const out = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    const t = mapper.thresholds[f]!;
    const nt = t.length;
    const missing = mapper.nBinsNonMissing[f]!;
    for (let i = 0; i < n; i++) {
      const v = x.data[(rows ? rows[i]! : i) * d + f]!;
      let bin: number;
      if (Number.isNaN(v)) bin = missing;
      else {
        let lo = 0;
        let hi = nt;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (v <= t[mid]!) hi = mid;
          else lo = mid + 1;
        }
        bin = lo;
      }
      out[i * d + f] = bin;
    }
  }
  return out;
}
