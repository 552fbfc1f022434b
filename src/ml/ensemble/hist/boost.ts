/**
 * The boosting loop shared by the histogram gradient-boosting classifier and regressor
 * (scikit-learn's BaseHistGradientBoosting.fit with scoring='loss'): optional stratified validation
 * split, binning, then per iteration gradients → one tree per class → raw-prediction update, with
 * early stopping when the validation loss has not improved by `tol` for `nIterNoChange` iterations.
 */
import type { Matrix } from '../../core/matrix.js';
import { Random } from '../../core/random.js';
import { binRows, fitBins } from './binning.js';
import { addTreePredictions, Grower, type GrowerParams, type HistTreeState } from './grower.js';
import type { BoostingLoss } from './loss.js';

export interface BoostParams extends GrowerParams {
  readonly maxIter: number;
  readonly maxBins: number;
  readonly earlyStopping: boolean;
  /** Fraction of rows held out for early stopping; null uses the training loss instead. */
  readonly validationFraction: number | null;
  readonly nIterNoChange: number;
  readonly tol: number;
  readonly seed: number;
}

export interface BoostResult {
  readonly baseline: Float64Array;
  /** Iteration-major: trees[iter * k + class]. */
  readonly trees: HistTreeState[];
  readonly nIter: number;
  /** Mean training loss before the first iteration and after each one. */
  readonly trainLoss: number[];
  /** Same on the validation rows (empty without early stopping on held-out data). */
  readonly validationLoss: number[];
}

/**
 * Rows held out for validation: `ceil(fraction · n)` rows, stratified by `strata` when given
 * (each class contributes in proportion, remainders to the largest fractional parts).
 */
export function validationSplit(n: number, fraction: number, rng: Random, strata?: Int32Array): { train: Int32Array; val: Int32Array } {
  const nVal = Math.ceil(fraction * n);
  const isVal = new Uint8Array(n);
  if (!strata) {
    const perm = rng.permutation(n);
    for (let i = 0; i < nVal; i++) isVal[perm[i]!] = 1;
  } else {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const g = groups.get(strata[i]!);
      if (g) g.push(i);
      else groups.set(strata[i]!, [i]);
    }
    const keys = [...groups.keys()].sort((a, b) => a - b);
    const exact = keys.map((key) => (groups.get(key)!.length * nVal) / n);
    const take = exact.map(Math.floor);
    let left = nVal - take.reduce((a, b) => a + b, 0);
    const order = keys.map((_, i) => i).sort((a, b) => exact[b]! - take[b]! - (exact[a]! - take[a]!) || a - b);
    for (let i = 0; left > 0; i = (i + 1) % order.length, left--) take[order[i]!]!++;
    keys.forEach((key, gi) => {
      const members = rng.shuffle(groups.get(key)!);
      for (let i = 0; i < take[gi]!; i++) isVal[members[i]!] = 1;
    });
  }
  const train = new Int32Array(n - nVal);
  const val = new Int32Array(nVal);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isVal[i]) val[b++] = i;
    else train[a++] = i;
  }
  return { train, val };
}

function shouldStop(scores: number[], nIterNoChange: number, tol: number): boolean {
  // Scores are losses here (lower is better); scikit-learn's uses negated losses.
  if (scores.length < nIterNoChange + 1) return false;
  const reference = scores[scores.length - nIterNoChange - 1]! - tol;
  for (let i = scores.length - nIterNoChange; i < scores.length; i++) if (scores[i]! < reference) return false;
  return true;
}

/**
 * Fits the boosting model. `makeLoss(rowIds)` builds the loss for the given training rows and
 * `targetOf(rowIds)` returns their targets (0/1, class codes or values) for scoring.
 */
export function boost(
  x: Matrix,
  params: BoostParams,
  makeLoss: (rows: Int32Array) => BoostingLoss,
  targetOf: (rows: Int32Array) => Float64Array,
  strata: Int32Array | undefined,
): BoostResult {
  const rng = new Random(params.seed);
  const n = x.rows;
  let trainRows: Int32Array;
  let valRows: Int32Array | undefined;
  if (params.earlyStopping && params.validationFraction !== null) {
    const split = validationSplit(n, params.validationFraction, rng, strata);
    trainRows = split.train;
    valRows = split.val;
  } else {
    trainRows = new Int32Array(n);
    for (let i = 0; i < n; i++) trainRows[i] = i;
  }
  const nTrain = trainRows.length;
  const mapper = fitBins(x, params.maxBins, rng, trainRows);
  const binned = binRows(x, mapper, trainRows);
  const loss = makeLoss(trainRows);
  const k = loss.k;
  const yTrain = targetOf(trainRows);
  const baseline = loss.baseline();

  const raw = new Float64Array(k * nTrain);
  for (let c = 0; c < k; c++) raw.fill(baseline[c]!, c * nTrain, (c + 1) * nTrain);
  let xVal: Float64Array | undefined;
  let yVal: Float64Array | undefined;
  let rawVal: Float64Array | undefined;
  if (valRows) {
    xVal = x.takeRows(valRows).data;
    yVal = targetOf(valRows);
    rawVal = new Float64Array(k * valRows.length);
    for (let c = 0; c < k; c++) rawVal.fill(baseline[c]!, c * valRows.length, (c + 1) * valRows.length);
  }

  const grad = new Float64Array(k * nTrain);
  const hess = new Float64Array(loss.constantHessian ? 0 : k * nTrain);
  const grower = new Grower({ binned, rows: nTrain, d: x.cols, mapper }, params);
  const trees: HistTreeState[] = [];
  const trainLoss = [loss.meanLoss(raw, yTrain)];
  const validationLoss = rawVal ? [loss.meanLoss(rawVal, yVal!)] : [];
  let nIter = 0;
  for (let iter = 0; iter < params.maxIter; iter++) {
    loss.gradients(raw, grad, hess);
    for (let c = 0; c < k; c++) {
      const g = grad.subarray(c * nTrain, (c + 1) * nTrain);
      const h = loss.constantHessian ? null : hess.subarray(c * nTrain, (c + 1) * nTrain);
      const tree = grower.grow(g, h);
      trees.push(tree);
      // Training rows: add each leaf's value to the rows it holds (no tree traversal needed).
      const seg = grower.leafSegments;
      const samples = grower.samples;
      const off = c * nTrain;
      for (let s = 0; s < seg.length; s += 3) {
        const v = seg[s + 2]!;
        for (let j = seg[s]!; j < seg[s + 1]!; j++) raw[off + samples[j]!]! += v;
      }
      if (rawVal) addTreePredictions(tree, xVal!, valRows!.length, x.cols, rawVal, c * valRows!.length);
    }
    nIter++;
    trainLoss.push(loss.meanLoss(raw, yTrain));
    if (rawVal) validationLoss.push(loss.meanLoss(rawVal, yVal!));
    if (params.earlyStopping && shouldStop(rawVal ? validationLoss : trainLoss, params.nIterNoChange, params.tol)) break;
  }
  return { baseline, trees, nIter, trainLoss, validationLoss };
}
