/**
 * Gradient histograms: per feature and bin, the sums of gradients and hessians and the sample
 * count of a node's rows. Feature f owns `nBinsNonMissing[f] + 1` cells (the last for missing
 * values) from cell `offsets[f]`; cell c holds `hist[3c + {0: gradient, 1: hessian, 2: count}]`.
 * A child's histogram is built from its rows only when it is the smaller child; the larger one is
 * the parent's minus the sibling's (the subtraction trick), which halves the work per level.
 */

/** Values per (feature, bin) cell: gradient sum, hessian sum, count. */
export const CELL = 3;

/** First cell of every feature (length d + 1; the last entry is the total cell count). */
export function histogramOffsets(nBinsNonMissing: Int32Array): Int32Array {
  const offsets = new Int32Array(nBinsNonMissing.length + 1);
  for (let f = 0; f < nBinsNonMissing.length; f++) offsets[f + 1] = offsets[f]! + nBinsNonMissing[f]! + 1;
  return offsets;
}

/**
 * Per row and feature, the histogram cell of the row's bin (`offsets[f] + bin`), row-major.
 * Precomputed once per fit so the hot loop below does one load per (row, feature).
 */
export function cellIndex(binned: Uint8Array, offsets: Int32Array, rows: number): Uint16Array | Int32Array {
  const d = offsets.length - 1;
  const out = offsets[d]! <= 0xffff ? new Uint16Array(rows * d) : new Int32Array(rows * d);
  for (let r = 0; r < rows; r++) for (let f = 0; f < d; f++) out[r * d + f] = offsets[f]! + binned[r * d + f]!;
  return out;
}

/**
 * Builds the histogram of rows `samples[start, end)` from their cells (see {@link cellIndex}).
 * With `hess === null` (constant hessian) the hessian cells are left at zero; counts stand in for them.
 */
export function buildHistogram(
  cells: Uint16Array | Int32Array,
  d: number,
  samples: Int32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array | null,
  out: Float64Array,
): void {
  out.fill(0);
  if (hess) {
    for (let j = start; j < end; j++) {
      const idx = samples[j]!;
      const g = grad[idx]!;
      const h = hess[idx]!;
      const row = idx * d;
      for (let f = row; f < row + d; f++) {
        const c = cells[f]! * CELL;
        out[c]! += g;
        out[c + 1]! += h;
        out[c + 2]!++;
      }
    }
  } else {
    for (let j = start; j < end; j++) {
      const idx = samples[j]!;
      const g = grad[idx]!;
      const row = idx * d;
      for (let f = row; f < row + d; f++) {
        const c = cells[f]! * CELL;
        out[c]! += g;
        out[c + 2]!++;
      }
    }
  }
}

/** `out = parent - sibling`, cell by cell. */
export function subtractHistogram(parent: Float64Array, sibling: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = parent[i]! - sibling[i]!;
}
