/**
 * Depth-first CART builder with exact (sorted) split search, following scikit-learn's
 * BestSplitter: at every node, candidate features are drawn in random order until `maxFeatures`
 * have been drawn and at least one of them is not constant in the node; thresholds are midpoints
 * between adjacent distinct values present in the node; a split must leave at least
 * `minSamplesLeaf` samples on each side.
 *
 * The node's samples are sorted per candidate feature by their precomputed rank, packed with the
 * sample's position into one float key (`rank * m + position`) so the engine's native typed-array
 * sort does the work: O(m log m) per node and feature.
 */
import type { Random } from '../core/random.js';
import type { RankedFeatures } from './ranked.js';
import { TreeArrayBuilder, type TreeState } from './tree-arrays.js';

export type Criterion = 'gini' | 'entropy' | 'squared_error';

/** Fully resolved growth parameters (integers, no fractions or names). */
export interface GrowParams {
  readonly criterion: Criterion;
  /** Number of classes; 1 for regression. */
  readonly nOutputs: number;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: number;
}

/** The target: class codes (classification) or values (regression). */
export interface TreeTarget {
  readonly codes?: Int32Array;
  readonly values?: Float64Array;
}

const EPSILON = 2.220446049250313e-16;
const LOG2E = Math.LOG2E;

function xlogx(v: number): number {
  return v > 0 ? v * Math.log(v) : 0;
}

/**
 * Grows one tree on the rows listed in `samples` (distinct row ids; reordered in place).
 * `weight[row]`, when given, multiplies each row (bootstrap counts).
 */
export function growTree(
  data: RankedFeatures,
  target: TreeTarget,
  samples: Int32Array,
  weight: Float64Array | undefined,
  params: GrowParams,
  rng: Random,
): TreeState {
  const { rows: n, cols: d, ranks, values, offsets } = data;
  const K = params.nOutputs;
  const classify = params.criterion !== 'squared_error';
  const entropy = params.criterion === 'entropy';
  const codes = target.codes;
  const yv = target.values;
  if (classify && !codes) throw new Error('growTree: classification needs class codes');
  if (!classify && !yv) throw new Error('growTree: regression needs target values');
  const minLeaf = params.minSamplesLeaf;
  const total = samples.length;

  const tree = new TreeArrayBuilder(K, Math.min(2 * total, 1024));
  const keys = new Float64Array(total);
  const posRank = new Int32Array(total);
  const posSample = new Int32Array(total);
  const nodeCounts = new Float64Array(K);
  const leftCounts = new Float64Array(K);
  const rightCounts = new Float64Array(K);
  const features = new Int32Array(d);
  for (let f = 0; f < d; f++) features[f] = f;

  // Explicit stack: start, end, depth, parent, isLeft.
  const stack: number[] = [0, total, 0, -1, 0];
  while (stack.length > 0) {
    const isLeft = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const m = end - start;

    // Node statistics.
    let W = 0;
    let impurity: number;
    let sumY = 0;
    let nodeSq = 0;
    let nodeXlogx = 0;
    if (classify) {
      nodeCounts.fill(0);
      for (let i = start; i < end; i++) {
        const s = samples[i]!;
        const w = weight ? weight[s]! : 1;
        nodeCounts[codes![s]!]! += w;
        W += w;
      }
      if (entropy) {
        let h = 0;
        for (let c = 0; c < K; c++) {
          const cnt = nodeCounts[c]!;
          if (cnt > 0) {
            const p = cnt / W;
            h -= p * Math.log(p) * LOG2E;
          }
          nodeXlogx += xlogx(cnt);
        }
        impurity = h;
      } else {
        for (let c = 0; c < K; c++) nodeSq += nodeCounts[c]! * nodeCounts[c]!;
        impurity = 1 - nodeSq / (W * W);
      }
    } else {
      let sumSq = 0;
      for (let i = start; i < end; i++) {
        const s = samples[i]!;
        const w = weight ? weight[s]! : 1;
        const y = yv![s]!;
        W += w;
        sumY += w * y;
        sumSq += w * y * y;
      }
      const mean = sumY / W;
      impurity = Math.max(0, sumSq / W - mean * mean);
    }

    const node = tree.add(impurity, W);
    if (parent >= 0) {
      if (isLeft) tree.left[parent] = node;
      else tree.right[parent] = node;
    }
    const vbase = node * K;
    if (classify) for (let c = 0; c < K; c++) tree.value[vbase + c] = nodeCounts[c]! / W;
    else tree.value[vbase] = sumY / W;

    if (
      depth >= params.maxDepth ||
      m < params.minSamplesSplit ||
      m < 2 * minLeaf ||
      impurity <= EPSILON
    ) {
      continue;
    }

    // Split search.
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestRank = -1;
    let bestNextRank = -1;
    // As scikit-learn: every drawn feature counts towards maxFeatures, constant ones included,
    // but drawing goes on until at least one non-constant feature has been evaluated.
    let visited = 0;
    let evaluated = 0;
    for (let i = 0; i < d; i++) {
      if (visited >= params.maxFeatures && evaluated > 0) break;
      visited++;
      const j = i + rng.int(d - i);
      const f = features[j]!;
      features[j] = features[i]!;
      features[i] = f;
      const rbase = f * n;

      let minR = 0x7fffffff;
      let maxR = -1;
      for (let p = 0; p < m; p++) {
        const r = ranks[rbase + samples[start + p]!]!;
        keys[p] = r * m + p;
        if (r < minR) minR = r;
        if (r > maxR) maxR = r;
      }
      if (minR === maxR) continue; // constant in this node: nothing to split
      evaluated++;
      const sortedKeys = keys.subarray(0, m).sort();
      for (let p = 0; p < m; p++) {
        const key = sortedKeys[p]!;
        const r = Math.floor(key / m);
        posRank[p] = r;
        posSample[p] = samples[start + (key - r * m)]!;
      }

      let wL = 0;
      let wR = W;
      if (classify) {
        leftCounts.fill(0);
        rightCounts.set(nodeCounts);
        if (entropy) {
          let S = nodeXlogx; // Σ_c xlogx(L_c) + xlogx(R_c)
          for (let p = 0; p < m - 1; p++) {
            const s = posSample[p]!;
            const c = codes![s]!;
            const w = weight ? weight[s]! : 1;
            const lc = leftCounts[c]!;
            const rc = rightCounts[c]!;
            S += xlogx(lc + w) - xlogx(lc) + xlogx(rc - w) - xlogx(rc);
            leftCounts[c] = lc + w;
            rightCounts[c] = rc - w;
            wL += w;
            wR -= w;
            const nextRank = posRank[p + 1]!;
            if (nextRank === posRank[p]) continue;
            const nL = p + 1;
            if (nL < minLeaf) continue;
            if (m - nL < minLeaf) break;
            const proxy = S - xlogx(wL) - xlogx(wR);
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestFeature = f;
              bestRank = posRank[p]!;
              bestNextRank = nextRank;
            }
          }
        } else {
          let sqL = 0;
          let sqR = nodeSq;
          for (let p = 0; p < m - 1; p++) {
            const s = posSample[p]!;
            const c = codes![s]!;
            const w = weight ? weight[s]! : 1;
            const lc = leftCounts[c]!;
            const rc = rightCounts[c]!;
            sqL += w * (2 * lc + w);
            sqR += w * (w - 2 * rc);
            leftCounts[c] = lc + w;
            rightCounts[c] = rc - w;
            wL += w;
            wR -= w;
            const nextRank = posRank[p + 1]!;
            if (nextRank === posRank[p]) continue;
            const nL = p + 1;
            if (nL < minLeaf) continue;
            if (m - nL < minLeaf) break;
            const proxy = sqL / wL + sqR / wR;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestFeature = f;
              bestRank = posRank[p]!;
              bestNextRank = nextRank;
            }
          }
        }
      } else {
        let sumL = 0;
        for (let p = 0; p < m - 1; p++) {
          const s = posSample[p]!;
          const w = weight ? weight[s]! : 1;
          sumL += w * yv![s]!;
          wL += w;
          wR -= w;
          const nextRank = posRank[p + 1]!;
          if (nextRank === posRank[p]) continue;
          const nL = p + 1;
          if (nL < minLeaf) continue;
          if (m - nL < minLeaf) break;
          const sumR = sumY - sumL;
          const proxy = (sumL * sumL) / wL + (sumR * sumR) / wR;
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestFeature = f;
            bestRank = posRank[p]!;
            bestNextRank = nextRank;
          }
        }
      }
    }
    if (bestFeature < 0) continue; // no valid split: stays a leaf

    // Threshold halfway between the two adjacent values, as scikit-learn does.
    const lo = values[offsets[bestFeature]! + bestRank]!;
    const hi = values[offsets[bestFeature]! + bestNextRank]!;
    let threshold = lo / 2 + hi / 2;
    if (threshold === hi || !Number.isFinite(threshold)) threshold = lo;
    tree.feature[node] = bestFeature;
    tree.threshold[node] = threshold;

    // Partition samples[start, end) into rank <= bestRank | rank > bestRank.
    const rbase = bestFeature * n;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (ranks[rbase + samples[i]!]! <= bestRank) i++;
      else {
        const tmp = samples[i]!;
        samples[i] = samples[j]!;
        samples[j] = tmp;
        j--;
      }
    }
    // Push right first so the left child is built (and numbered) first.
    stack.push(i, end, depth + 1, node, 0);
    stack.push(start, i, depth + 1, node, 1);
  }
  return tree.finish();
}
