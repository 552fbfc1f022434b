/** SimpleImputer: fills missing values (NaN by default) with a per-column statistic or a constant. */
import { NotFittedError, ParamError } from '../core/errors.js';
import { registerModel, type Transformer } from '../core/estimator.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkFeatures, featureNames } from './frame.js';

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

export interface SimpleImputerOptions {
  /** Default 'mean'. */
  readonly strategy?: ImputeStrategy;
  /** The value for strategy 'constant'. Default 0. */
  readonly fillValue?: number;
  /** The placeholder treated as missing, besides NaN. Default NaN only. */
  readonly missingValues?: number;
  /**
   * Columns with no observed value have no statistic. Like sklearn, they are dropped from the
   * output unless this is true (then they are filled with 0). Not applicable to 'constant'.
   */
  readonly keepEmptyFeatures?: boolean;
}

export interface SimpleImputerState {
  readonly strategy: ImputeStrategy;
  readonly fillValue: number;
  readonly missingValues: number;
  readonly keepEmptyFeatures: boolean;
  readonly featureNames: string[];
  readonly named: boolean;
  /** Fill value per input column; NaN for empty columns. */
  readonly statistics: Float64Array;
}

const STRATEGIES: readonly ImputeStrategy[] = ['mean', 'median', 'most_frequent', 'constant'];

/** Median of sorted values (mean of the middle two for an even count). */
function median(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Most frequent of sorted values; ties go to the smallest value, as in sklearn. */
function mode(sorted: Float64Array): number {
  let best = sorted[0]!;
  let bestCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      best = sorted[i]!;
      bestCount = j - i;
    }
    i = j;
  }
  return best;
}

export class SimpleImputer implements Transformer {
  readonly strategy: ImputeStrategy;
  readonly fillValue: number;
  readonly missingValues: number;
  readonly keepEmptyFeatures: boolean;
  private fitted: SimpleImputerState | undefined;

  constructor(options: SimpleImputerOptions = {}) {
    this.strategy = options.strategy ?? 'mean';
    if (!STRATEGIES.includes(this.strategy)) {
      throw new ParamError(`SimpleImputer: strategy must be one of ${STRATEGIES.join(', ')}; got ${JSON.stringify(this.strategy)}`);
    }
    this.fillValue = options.fillValue ?? 0;
    if (!Number.isFinite(this.fillValue)) throw new ParamError(`SimpleImputer: fillValue must be a finite number, got ${this.fillValue}`);
    this.missingValues = options.missingValues ?? Number.NaN;
    this.keepEmptyFeatures = options.keepEmptyFeatures ?? false;
  }

  /** The fill value per input column (NaN for columns that had no observed value). */
  get statistics(): Float64Array | undefined {
    return this.fitted?.statistics;
  }

  private isMissing(v: number): boolean {
    return Number.isNaN(v) || v === this.missingValues;
  }

  fit(x: MatrixLike): this {
    const m = toMatrix(x, { what: 'SimpleImputer.fit X', allowNaN: true });
    const { names, named } = featureNames(m);
    const statistics = new Float64Array(m.cols);
    for (let c = 0; c < m.cols; c++) {
      if (this.strategy === 'constant') {
        statistics[c] = this.fillValue;
        continue;
      }
      const observed: number[] = [];
      for (let r = 0; r < m.rows; r++) {
        const v = m.data[r * m.cols + c]!;
        if (!this.isMissing(v)) observed.push(v);
      }
      if (observed.length === 0) {
        statistics[c] = Number.NaN;
        continue;
      }
      if (this.strategy === 'mean') statistics[c] = observed.reduce((a, b) => a + b, 0) / observed.length;
      else {
        const sorted = Float64Array.from(observed).sort();
        statistics[c] = this.strategy === 'median' ? median(sorted) : mode(sorted);
      }
    }
    this.fitted = {
      strategy: this.strategy,
      fillValue: this.fillValue,
      missingValues: this.missingValues,
      keepEmptyFeatures: this.keepEmptyFeatures,
      featureNames: names,
      named,
      statistics,
    };
    return this;
  }

  private state(method: string): SimpleImputerState {
    if (!this.fitted) throw new NotFittedError('SimpleImputer', method);
    return this.fitted;
  }

  /** Input columns kept in the output (empty columns are dropped unless keepEmptyFeatures). */
  private kept(f: SimpleImputerState): number[] {
    const out: number[] = [];
    f.statistics.forEach((s, c) => {
      if (!Number.isNaN(s) || this.keepEmptyFeatures) out.push(c);
    });
    return out;
  }

  transform(x: MatrixLike): Matrix {
    const f = this.state('transform');
    const m = toMatrix(x, { what: 'SimpleImputer.transform X', allowNaN: true });
    const { names, named } = featureNames(m);
    checkFeatures('SimpleImputer.transform', f.featureNames, f.named, names, named);
    const kept = this.kept(f);
    const out = new Float64Array(m.rows * kept.length);
    for (let r = 0; r < m.rows; r++) {
      for (let k = 0; k < kept.length; k++) {
        const c = kept[k]!;
        const v = m.data[r * m.cols + c]!;
        const s = f.statistics[c]!;
        out[r * kept.length + k] = this.isMissing(v) ? (Number.isNaN(s) ? 0 : s) : v;
      }
    }
    return new Matrix(m.rows, kept.length, out, kept.map((c) => f.featureNames[c]!));
  }

  fitTransform(x: MatrixLike): Matrix {
    return this.fit(x).transform(x);
  }

  featureNamesOut(): string[] {
    const f = this.state('featureNamesOut');
    return this.kept(f).map((c) => f.featureNames[c]!);
  }

  toState(): SimpleImputerState {
    return this.state('toState');
  }

  static fromState(state: SimpleImputerState): SimpleImputer {
    const s = new SimpleImputer({
      strategy: state.strategy,
      fillValue: state.fillValue,
      missingValues: state.missingValues,
      keepEmptyFeatures: state.keepEmptyFeatures,
    });
    s.fitted = state;
    return s;
  }
}
registerModel(SimpleImputer);
