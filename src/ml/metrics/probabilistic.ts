/**
 * Metrics on scores and probabilities: ROC AUC (binary, and one-vs-rest for multiclass) and log loss.
 */
import { DataError, ParamError } from '../core/errors.js';
import type { Label } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { checkFinite, checkLengths, formatLabels, labelKind, uniqueLabels, type LabelArray } from './labels.js';

/**
 * Area under the ROC curve of one binary problem: the probability that a random positive scores
 * above a random negative, ties counting one half (the Mann–Whitney U statistic, equal to the
 * trapezoidal area sklearn computes).
 */
export function binaryAuc(isPositive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  let nPos = 0;
  for (let i = 0; i < scores.length; i++) if (isPositive[i]) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(scores.length - nPos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < scores.length; i++) {
    if (isPositive[i]) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // For each positive (ascending): negatives strictly below count 1, tied ones count 1/2.
  let below = 0;
  let belowOrTied = 0;
  let wins = 0;
  for (let i = 0; i < pos.length; i++) {
    const s = pos[i]!;
    while (below < neg.length && neg[below]! < s) below++;
    if (belowOrTied < below) belowOrTied = below;
    while (belowOrTied < neg.length && neg[belowOrTied]! <= s) belowOrTied++;
    wins += below + (belowOrTied - below) / 2;
  }
  return wins / (pos.length * neg.length);
}

export interface RocAucOptions {
  /** Column order of a probability Matrix (a classifier's `classes`). Default: sorted labels of yTrue. */
  readonly classes?: readonly Label[];
  /** Binary only: the positive class. Default: the greater of the two labels (classes[1]). */
  readonly posLabel?: Label;
  /** Multiclass one-vs-rest: unweighted mean over classes, or weighted by class prevalence. Default 'macro'. */
  readonly average?: 'macro' | 'weighted';
}

/**
 * ROC AUC. Binary: `scores` is one score per sample (higher = more positive), or a 2-column
 * probability Matrix. Multiclass: `scores` is a rows × classes probability Matrix (one-vs-rest).
 */
export function rocAuc(yTrue: LabelArray, scores: ArrayLike<number> | Matrix, options: RocAucOptions = {}): number {
  const metric = 'rocAuc';
  const average = options.average ?? 'macro';
  if (average !== 'macro' && average !== 'weighted') {
    throw new ParamError(`${metric}: average must be 'macro' or 'weighted', got ${JSON.stringify(average)}`);
  }
  checkLengths(metric, yTrue, scores instanceof Matrix ? { length: scores.rows } : scores, 'scores');
  labelKind(metric, 'yTrue', yTrue);
  checkFinite(metric, 'scores', scores instanceof Matrix ? scores.data : scores);
  if (scores instanceof Matrix && scores.cols > 1) {
    const classes = resolveClasses(metric, yTrue, options.classes, scores.cols);
    if (scores.cols === 2) {
      const pos = options.posLabel ?? classes[1]!;
      return binaryFromLabels(metric, yTrue, scores.column(Math.max(0, classes.indexOf(pos))), classes, pos);
    }
    let total = 0;
    let totalWeight = 0;
    for (let c = 0; c < classes.length; c++) {
      const cls = classes[c]!;
      const isPos = Array.from(yTrue, (v) => v === cls);
      const nPos = isPos.filter(Boolean).length;
      if (nPos === 0 || nPos === isPos.length) {
        throw new DataError(
          `${metric}: class ${JSON.stringify(cls)} ${nPos === 0 ? 'never occurs' : 'is the only class'} in yTrue, so its one-vs-rest ROC AUC is not defined`,
        );
      }
      const w = average === 'weighted' ? nPos : 1;
      total += w * binaryAuc(isPos, scores.column(c));
      totalWeight += w;
    }
    return total / totalWeight;
  }
  const vector = scores instanceof Matrix ? scores.data : scores;
  const present = uniqueLabels(yTrue);
  if (options.posLabel === undefined && present.length > 2) {
    throw new DataError(
      `${metric}: yTrue has ${present.length} classes (${formatLabels(present)}) but scores has one column; pass class probabilities as a Matrix (rows × classes) for one-vs-rest AUC`,
    );
  }
  return binaryFromLabels(metric, yTrue, vector, present, options.posLabel ?? present[present.length - 1]!);
}

function binaryFromLabels(metric: string, yTrue: LabelArray, scores: ArrayLike<number>, classes: readonly Label[], posLabel: Label): number {
  const isPos = Array.from(yTrue, (v) => v === posLabel);
  const nPos = isPos.filter(Boolean).length;
  if (nPos === 0 || nPos === isPos.length) {
    throw new DataError(
      `${metric}: only one class is present in yTrue (${formatLabels(uniqueLabels(yTrue))}); ROC AUC needs both positive (${JSON.stringify(posLabel)}) and negative samples`,
    );
  }
  if (!classes.includes(posLabel)) {
    throw new DataError(`${metric}: posLabel ${JSON.stringify(posLabel)} is not one of the classes ${formatLabels(classes)}`);
  }
  return binaryAuc(isPos, scores);
}

/** Classes for the columns of a probability matrix; checks they cover yTrue. */
function resolveClasses(metric: string, yTrue: LabelArray, given: readonly Label[] | undefined, cols: number): readonly Label[] {
  const classes = given ?? uniqueLabels(yTrue);
  if (classes.length !== cols) {
    throw new DataError(
      `${metric}: the probabilities have ${cols} columns but there are ${classes.length} classes (${formatLabels(classes)}); ` +
        (given ? 'classes must list one label per column' : 'pass classes (e.g. the model\'s classes) in column order'),
    );
  }
  const index = new Set<Label>(classes);
  for (let i = 0; i < yTrue.length; i++) {
    if (!index.has(yTrue[i]!)) {
      throw new DataError(`${metric}: yTrue[${i}] is ${JSON.stringify(yTrue[i])}, which is not one of the classes ${formatLabels(classes)}`);
    }
  }
  return classes;
}

/** Default clipping: the float64 machine epsilon, as sklearn uses for float64 probabilities. */
export const LOG_LOSS_EPS = Number.EPSILON;

export interface LogLossOptions {
  /** Column order of the probabilities. Default: sorted labels of yTrue (then yTrue must hold every class). */
  readonly classes?: readonly Label[];
  /** Probabilities are clipped to [eps, 1 - eps]. Default {@link LOG_LOSS_EPS}. */
  readonly eps?: number;
  /** Mean loss per sample (default) or, with false, the sum. */
  readonly normalize?: boolean;
}

/**
 * Cross-entropy of predicted probabilities: mean of -ln p(true class). `proba` is a rows × classes
 * Matrix, or for two classes the probability of the positive class (classes[1]).
 * Rows must sum to 1 (like sklearn ≥ 1.5, which no longer renormalizes).
 */
export function logLoss(yTrue: LabelArray, proba: Matrix | ArrayLike<number>, options: LogLossOptions = {}): number {
  const metric = 'logLoss';
  const n = proba instanceof Matrix ? proba.rows : proba.length;
  checkLengths(metric, yTrue, { length: n }, 'proba');
  labelKind(metric, 'yTrue', yTrue);
  const eps = options.eps ?? LOG_LOSS_EPS;
  if (!(eps >= 0 && eps < 0.5)) throw new ParamError(`${metric}: eps must be in [0, 0.5), got ${eps}`);
  const data = proba instanceof Matrix ? proba.data : proba;
  checkFinite(metric, 'proba', data);
  const cols = proba instanceof Matrix && proba.cols > 1 ? proba.cols : 2;
  if (options.classes === undefined) {
    const present = uniqueLabels(yTrue);
    if (present.length < 2) {
      throw new DataError(`${metric}: yTrue contains only one label (${formatLabels(present)}); pass classes explicitly (e.g. the model's classes)`);
    }
  }
  const classes = resolveClasses(metric, yTrue, options.classes, cols);
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  const oneColumn = cols === 2 && !(proba instanceof Matrix && proba.cols === 2);
  const tolerance = Math.sqrt(Number.EPSILON) + 1e-8;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const k = index.get(yTrue[r]!)!;
    let p: number;
    if (oneColumn) {
      const q = data[r]!;
      if (q < 0 || q > 1) throw new DataError(`${metric}: proba[${r}] is ${q}; probabilities must be in [0, 1]`);
      p = k === 1 ? q : 1 - q;
    } else {
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        const q = data[r * cols + c]!;
        if (q < 0) throw new DataError(`${metric}: row ${r}, column ${c} of proba is ${q}; probabilities must be ≥ 0`);
        sum += q;
      }
      if (Math.abs(sum - 1) > tolerance) {
        throw new DataError(`${metric}: row ${r} of proba sums to ${sum}, not 1; pass probabilities (e.g. predictProba output)`);
      }
      p = data[r * cols + k]!;
    }
    total -= Math.log(Math.min(1 - eps, Math.max(eps, p)));
  }
  return options.normalize === false ? total : total / n;
}
