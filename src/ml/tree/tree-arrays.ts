/**
 * Flat, typed-array storage of a fitted binary decision tree, and the hot prediction loop.
 *
 * Node `i` is a leaf when `feature[i] === -1`; otherwise rows with `x[feature] <= threshold` go to
 * `left[i]` and the rest to `right[i]`. Each node holds `nOutputs` values: class proportions for a
 * classifier (summing to 1), the mean target for a regressor. Plain typed arrays make the tree cheap
 * to predict with, to post between worker threads and to persist.
 */

/** Plain-data form of a tree (typed arrays only), used for persistence and worker transfer. */
export interface TreeState {
  readonly nodeCount: number;
  readonly nOutputs: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** nodeCount × nOutputs, row-major. */
  readonly value: Float64Array;
  /** Impurity of each node (gini, entropy or variance). */
  readonly impurity: Float64Array;
  /** Sum of sample weights reaching each node during fit. */
  readonly weight: Float64Array;
}

/** Growable node arrays used while building; `finish()` trims them into a {@link TreeState}. */
export class TreeArrayBuilder {
  private capacity: number;
  count = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  impurity: Float64Array;
  weight: Float64Array;

  constructor(
    readonly nOutputs: number,
    initialCapacity = 64,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    this.feature = new Int32Array(this.capacity);
    this.threshold = new Float64Array(this.capacity);
    this.left = new Int32Array(this.capacity);
    this.right = new Int32Array(this.capacity);
    this.value = new Float64Array(this.capacity * nOutputs);
    this.impurity = new Float64Array(this.capacity);
    this.weight = new Float64Array(this.capacity);
  }

  /** Appends a node (initially a leaf) and returns its id. */
  add(impurity: number, weight: number): number {
    if (this.count === this.capacity) this.grow();
    const id = this.count++;
    this.feature[id] = -1;
    this.left[id] = -1;
    this.right[id] = -1;
    this.impurity[id] = impurity;
    this.weight[id] = weight;
    return id;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const resize = <T extends Int32Array | Float64Array>(a: T, size: number): T => {
      const out = new (a.constructor as new (n: number) => T)(size);
      out.set(a);
      return out;
    };
    this.feature = resize(this.feature, cap);
    this.threshold = resize(this.threshold, cap);
    this.left = resize(this.left, cap);
    this.right = resize(this.right, cap);
    this.value = resize(this.value, cap * this.nOutputs);
    this.impurity = resize(this.impurity, cap);
    this.weight = resize(this.weight, cap);
    this.capacity = cap;
  }

  finish(): TreeState {
    const n = this.count;
    return {
      nodeCount: n,
      nOutputs: this.nOutputs,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n * this.nOutputs),
      impurity: this.impurity.slice(0, n),
      weight: this.weight.slice(0, n),
    };
  }
}

/** Index of the leaf that row `r` of a row-major matrix (`cols` wide) falls into. */
export function leafOf(tree: TreeState, data: Float64Array, cols: number, r: number): number {
  const { feature, threshold, left, right } = tree;
  const base = r * cols;
  let node = 0;
  let f = feature[0]!;
  while (f >= 0) {
    node = data[base + f]! <= threshold[node]! ? left[node]! : right[node]!;
    f = feature[node]!;
  }
  return node;
}

/**
 * Adds `scale ×` the leaf values of every row into `out` (rows × nOutputs).
 * Forests call it once per tree with `scale = 1 / nTrees` to average.
 */
export function accumulateLeafValues(
  tree: TreeState,
  data: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
  scale = 1,
): void {
  const k = tree.nOutputs;
  const value = tree.value;
  for (let r = 0; r < rows; r++) {
    const leaf = leafOf(tree, data, cols, r);
    const src = leaf * k;
    const dst = r * k;
    for (let j = 0; j < k; j++) out[dst + j]! += scale * value[src + j]!;
  }
}

/** Depth of the tree (a lone root has depth 0). */
export function treeDepth(tree: TreeState): number {
  let max = 0;
  const depth = new Int32Array(tree.nodeCount);
  // Children always have larger ids than their parent, so one forward pass suffices.
  for (let i = 0; i < tree.nodeCount; i++) {
    if (tree.feature[i]! >= 0) {
      const d = depth[i]! + 1;
      depth[tree.left[i]!] = d;
      depth[tree.right[i]!] = d;
      if (d > max) max = d;
    }
  }
  return max;
}

/** Number of leaves. */
export function leafCount(tree: TreeState): number {
  let n = 0;
  for (let i = 0; i < tree.nodeCount; i++) if (tree.feature[i]! < 0) n++;
  return n;
}

/**
 * Unnormalised impurity-decrease importances (sum over splits of weighted impurity decrease),
 * added into `out` (length nFeatures). Normalise with {@link normaliseImportances}.
 */
export function addImpurityImportances(tree: TreeState, out: Float64Array): void {
  const { feature, left, right, impurity, weight } = tree;
  for (let i = 0; i < tree.nodeCount; i++) {
    const f = feature[i]!;
    if (f < 0) continue;
    const l = left[i]!;
    const r = right[i]!;
    out[f]! += weight[i]! * impurity[i]! - weight[l]! * impurity[l]! - weight[r]! * impurity[r]!;
  }
}

/** Scales importances to sum to 1 (all zeros stay zeros, as scikit-learn does for a lone root). */
export function normaliseImportances(imp: Float64Array): Float64Array {
  let total = 0;
  for (let i = 0; i < imp.length; i++) total += imp[i]!;
  if (total > 0) for (let i = 0; i < imp.length; i++) imp[i]! /= total;
  return imp;
}
