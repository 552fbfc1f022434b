/**
 * Options shared by decision trees and random forests, their defaults, and their resolution into
 * the integers the builder works with.
 */
import { ParamError } from '../core/errors.js';
import type { Criterion, GrowParams } from './builder.js';
import {
  checkMaxFeatures,
  checkSeed,
  resolveCountOrFraction,
  resolveMaxDepth,
  resolveMaxFeatures,
  type MaxFeatures,
} from './params.js';

/** Growth options common to classification and regression trees. */
export interface TreeGrowthOptions {
  /** Maximum depth; `null` (default) grows until leaves are pure or too small. */
  readonly maxDepth?: number | null;
  /** Minimum samples to split a node: integer ≥ 2 or a fraction of the rows. Default 2. */
  readonly minSamplesSplit?: number;
  /** Minimum samples in each leaf: integer ≥ 1 or a fraction of the rows. Default 1. */
  readonly minSamplesLeaf?: number;
  /** Features considered per split (see {@link MaxFeatures}). */
  readonly maxFeatures?: MaxFeatures;
  /** Seed for feature sampling (and bootstrap in forests). Default 0. */
  readonly seed?: number;
}

/** Classification split criteria (`log_loss` is scikit-learn's alias of `entropy`). */
export type ClassificationCriterion = 'gini' | 'entropy' | 'log_loss';

/** Growth options with every default filled in (what `toState()` records). */
export interface ResolvedGrowthOptions {
  readonly criterion: Criterion;
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly seed: number;
}

/** Validates growth options eagerly (at construction) and fills defaults. */
export function resolveGrowthOptions(
  owner: string,
  options: TreeGrowthOptions & { readonly criterion?: string },
  task: 'classification' | 'regression',
  defaultMaxFeatures: MaxFeatures,
): ResolvedGrowthOptions {
  let criterion: Criterion;
  const given = options.criterion ?? (task === 'classification' ? 'gini' : 'squared_error');
  if (task === 'classification') {
    if (given === 'gini') criterion = 'gini';
    else if (given === 'entropy' || given === 'log_loss') criterion = 'entropy';
    else throw new ParamError(`${owner}: criterion must be 'gini', 'entropy' or 'log_loss', got ${JSON.stringify(given)}`);
  } else {
    if (given !== 'squared_error') throw new ParamError(`${owner}: criterion must be 'squared_error', got ${JSON.stringify(given)}`);
    criterion = 'squared_error';
  }
  const maxDepth = options.maxDepth ?? null;
  resolveMaxDepth(owner, maxDepth);
  const minSamplesSplit = options.minSamplesSplit ?? 2;
  resolveCountOrFraction(owner, 'minSamplesSplit', minSamplesSplit, 1, 2);
  const minSamplesLeaf = options.minSamplesLeaf ?? 1;
  resolveCountOrFraction(owner, 'minSamplesLeaf', minSamplesLeaf, 1, 1);
  const maxFeatures = options.maxFeatures === undefined ? defaultMaxFeatures : options.maxFeatures;
  checkMaxFeatures(owner, maxFeatures);
  const seed = checkSeed(owner, options.seed ?? 0);
  return { criterion, maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, seed };
}

/** Turns resolved options into builder parameters for a dataset of `rows × cols`. */
export function growParams(owner: string, o: ResolvedGrowthOptions, rows: number, cols: number, nOutputs: number): GrowParams {
  const minSamplesLeaf = resolveCountOrFraction(owner, 'minSamplesLeaf', o.minSamplesLeaf, rows, 1);
  const minSamplesSplit = Math.max(resolveCountOrFraction(owner, 'minSamplesSplit', o.minSamplesSplit, rows, 2), 2 * minSamplesLeaf);
  return {
    criterion: o.criterion,
    nOutputs,
    maxDepth: resolveMaxDepth(owner, o.maxDepth),
    minSamplesSplit,
    minSamplesLeaf,
    maxFeatures: resolveMaxFeatures(owner, o.maxFeatures, cols),
  };
}
