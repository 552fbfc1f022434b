/**
 * Leaf-wise (best-first) growth of one gradient-boosting tree on binned data, following
 * scikit-learn's TreeGrower: the splittable node with the largest gain is split next, until
 * `maxLeafNodes` leaves exist or no node can be split; children's histograms come from the smaller
 * child plus subtraction. Leaf values are −G/(H+λ) times the learning rate.
 */
import type { BinMapperState } from './binning.js';
import { buildHistogram, CELL, cellIndex, histogramOffsets, subtractHistogram } from './histogram.js';
import { findBestSplit, type SplitInfo, type SplitterParams } from './splitter.js';

/** A fitted boosting tree: flat arrays, numeric thresholds (`x <= threshold` goes left). */
export interface HistTreeState {
  readonly nodeCount: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** 1 if rows with a missing value go left. */
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf values (already multiplied by the learning rate); 0 on internal nodes. */
  readonly value: Float64Array;
}

export interface GrowerParams extends SplitterParams {
  readonly maxLeafNodes: number;
  readonly maxDepth: number;
  readonly learningRate: number;
}

/** Data shared by every tree of one fit. */
export interface GrowerData {
  /** Row-major bins, rows × d. */
  readonly binned: Uint8Array;
  readonly rows: number;
  readonly d: number;
  readonly mapper: BinMapperState;
}

interface GrowNode {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly sumGrad: number;
  readonly sumHess: number;
  readonly value: number;
  hist: Float64Array | undefined;
  split: SplitInfo | undefined;
}

/** Reusable buffers for growing many trees over the same data. */
export class Grower {
  /** Row ids partitioned by leaf; after `grow`, each leaf owns a contiguous segment. */
  readonly samples: Int32Array;
  private readonly scratch: Int32Array;
  private readonly pool: Float64Array[] = [];
  private readonly offsets: Int32Array;
  private readonly cells: Uint16Array | Int32Array;
  private readonly histSize: number;
  /** [start, end, value] per leaf of the last grown tree. */
  leafSegments: number[] = [];

  constructor(
    private readonly data: GrowerData,
    private readonly params: GrowerParams,
  ) {
    this.samples = new Int32Array(data.rows);
    this.scratch = new Int32Array(data.rows);
    this.offsets = histogramOffsets(data.mapper.nBinsNonMissing);
    this.histSize = this.offsets[data.d]! * CELL;
    this.cells = cellIndex(data.binned, this.offsets, data.rows);
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histSize);
  }

  private release(node: GrowNode): void {
    if (node.hist) this.pool.push(node.hist);
    node.hist = undefined;
  }

  /** Grows one tree for the given per-row gradients and hessians (`null`: constant hessian 1). */
  grow(grad: Float64Array, hess: Float64Array | null): HistTreeState {
    const { mapper, rows, d } = this.data;
    const { offsets, cells } = this;
    const p = this.params;
    const samples = this.samples;
    for (let i = 0; i < rows; i++) samples[i] = i;

    const feature: number[] = [];
    const threshold: number[] = [];
    const missingLeft: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const leaves: GrowNode[] = [];
    const splittable: GrowNode[] = [];
    const newNode = (start: number, end: number, depth: number, sumGrad: number, sumHess: number, v: number): GrowNode => {
      const id = feature.length;
      feature.push(-1);
      threshold.push(0);
      missingLeft.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
      return { id, start, end, depth, sumGrad, sumHess, value: v, hist: undefined, split: undefined };
    };
    const computeSplit = (node: GrowNode): void => {
      node.split = findBestSplit(
        node.hist!,
        offsets,
        mapper.nBinsNonMissing,
        mapper.hasMissing,
        node.end - node.start,
        node.sumGrad,
        node.sumHess,
        node.value,
        p,
      );
      if (node.split) splittable.push(node);
      else {
        leaves.push(node);
        this.release(node);
      }
    };

    let sumGrad = 0;
    let sumHess = 0;
    for (let i = 0; i < rows; i++) sumGrad += grad[i]!;
    if (hess) for (let i = 0; i < rows; i++) sumHess += hess[i]!;
    else sumHess = rows;
    // scikit-learn starts the root at value 0 (it only matters when the root stays a leaf).
    const root = newNode(0, rows, 0, sumGrad, sumHess, 0);
    if (rows < 2 * p.minSamplesLeaf || sumHess < p.minHessianToSplit) leaves.push(root);
    else {
      root.hist = this.take();
      buildHistogram(cells, d, samples, 0, rows, grad, hess, root.hist);
      computeSplit(root);
    }

    while (splittable.length > 0) {
      let best = 0;
      for (let i = 1; i < splittable.length; i++) if (splittable[i]!.split!.gain > splittable[best]!.split!.gain) best = i;
      const node = splittable.splice(best, 1)[0]!;
      const split = node.split!;
      const mid = this.partition(node, split);
      const depth = node.depth + 1;
      const l = newNode(node.start, mid, depth, split.sumGradLeft, split.sumHessLeft, split.valueLeft);
      const r = newNode(mid, node.end, depth, node.sumGrad - split.sumGradLeft, node.sumHess - split.sumHessLeft, split.valueRight);
      const f = split.feature;
      feature[node.id] = f;
      const lastBin = mapper.nBinsNonMissing[f]! - 1;
      // A split on the last non-missing bin separates missing values: everything else goes left.
      threshold[node.id] = split.binThreshold === lastBin ? Infinity : mapper.thresholds[f]![split.binThreshold]!;
      // Without missing values at fit time, missing values follow the larger child.
      const missLeft = mapper.hasMissing[f] ? split.missingLeft : mid - node.start > node.end - mid;
      missingLeft[node.id] = missLeft ? 1 : 0;
      left[node.id] = l.id;
      right[node.id] = r.id;

      const nLeaves = leaves.length + splittable.length + 2;
      if (nLeaves >= p.maxLeafNodes) {
        leaves.push(l, r, ...splittable);
        for (const s of splittable) this.release(s);
        splittable.length = 0;
        this.release(node);
        break;
      }
      if (depth >= p.maxDepth) {
        leaves.push(l, r);
        this.release(node);
        continue;
      }
      const lLeaf = l.end - l.start < 2 * p.minSamplesLeaf;
      const rLeaf = r.end - r.start < 2 * p.minSamplesLeaf;
      if (lLeaf) leaves.push(l);
      if (rLeaf) leaves.push(r);
      if (!lLeaf || !rLeaf) {
        const [small, large] = l.end - l.start < r.end - r.start ? [l, r] : [r, l];
        small.hist = this.take();
        buildHistogram(cells, d, samples, small.start, small.end, grad, hess, small.hist);
        large.hist = this.take();
        subtractHistogram(node.hist!, small.hist, large.hist);
        if (!lLeaf) computeSplit(l);
        else this.release(l);
        if (!rLeaf) computeSplit(r);
        else this.release(r);
      }
      this.release(node);
    }

    const lr = p.learningRate;
    const segments: number[] = [];
    for (const leaf of leaves) {
      const v = leaf.value * lr;
      value[leaf.id] = v;
      segments.push(leaf.start, leaf.end, v);
    }
    this.leafSegments = segments;
    return {
      nodeCount: feature.length,
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      missingLeft: Uint8Array.from(missingLeft),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
  }

  /** Stable partition of the node's rows into left | right; returns the boundary. */
  private partition(node: GrowNode, split: SplitInfo): number {
    const { binned, d } = this.data;
    const samples = this.samples;
    const scratch = this.scratch;
    const f = split.feature;
    const t = split.binThreshold;
    const missLeft = split.missingLeft;
    const missingBin = this.data.mapper.nBinsNonMissing[f]!;
    let nl = node.start;
    let nr = 0;
    for (let j = node.start; j < node.end; j++) {
      const idx = samples[j]!;
      const bin = binned[idx * d + f]!;
      if (bin <= t || (missLeft && bin === missingBin)) samples[nl++] = idx;
      else scratch[nr++] = idx;
    }
    samples.set(scratch.subarray(0, nr), nl);
    return nl;
  }
}

/** Adds each row's leaf value of `tree` into `out[offset + r]` (raw, numeric features, NaN-aware). */
export function addTreePredictions(
  tree: HistTreeState,
  data: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
  offset = 0,
): void {
  const { feature, threshold, missingLeft, left, right, value } = tree;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let node = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const v = data[base + f]!;
      const goLeft = v <= threshold[node]! || (v !== v && missingLeft[node] === 1);
      node = goLeft ? left[node]! : right[node]!;
      f = feature[node]!;
    }
    out[offset + r]! += value[node]!;
  }
}
