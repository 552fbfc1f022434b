/**
 * One forest tree from its own seed: bootstrap draw, then growth. The main thread and worker
 * threads run exactly this function, so a forest is identical whatever the number of workers.
 */
import { Random } from '../core/random.js';
import { growTree, type GrowParams, type TreeTarget } from '../tree/builder.js';
import type { RankedFeatures } from '../tree/ranked.js';
import type { TreeState } from '../tree/tree-arrays.js';

/** Everything a thread needs to build any tree of the forest (plain data: structured-cloneable). */
export interface ForestJob {
  readonly ranked: RankedFeatures;
  readonly target: TreeTarget;
  readonly params: GrowParams;
  readonly bootstrap: boolean;
  /** Rows drawn (with replacement) per tree when bootstrapping. */
  readonly bootstrapSize: number;
  /** Seed of each tree, by tree index. */
  readonly seeds: Uint32Array;
}

/** Builds tree `index` of the forest described by `job`. */
export function buildForestTree(job: ForestJob, index: number): TreeState {
  const n = job.ranked.rows;
  const rng = new Random(job.seeds[index]!);
  let samples: Int32Array;
  let weight: Float64Array | undefined;
  if (job.bootstrap) {
    // Bootstrap counts become sample weights; rows never drawn are left out (as scikit-learn does).
    weight = new Float64Array(n);
    for (let i = 0; i < job.bootstrapSize; i++) weight[rng.int(n)]!++;
    let k = 0;
    for (let i = 0; i < n; i++) if (weight[i]! > 0) k++;
    samples = new Int32Array(k);
    k = 0;
    for (let i = 0; i < n; i++) if (weight[i]! > 0) samples[k++] = i;
  } else {
    samples = new Int32Array(n);
    for (let i = 0; i < n; i++) samples[i] = i;
  }
  return growTree(job.ranked, job.target, samples, weight, job.params, rng);
}

/** The buffers of a tree, for zero-copy transfer between threads. */
export function treeBuffers(tree: TreeState): ArrayBuffer[] {
  return [tree.feature, tree.threshold, tree.left, tree.right, tree.value, tree.impurity, tree.weight].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
