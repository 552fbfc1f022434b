/**
 * Boosting losses (scikit-learn's half losses): gradients and hessians with respect to the raw
 * prediction, the intercept-only baseline, and the mean loss used for early stopping.
 * Raw predictions are stored class-major: `raw[k * n + i]` for tree-per-iteration k and row i.
 */

export interface BoostingLoss {
  /** Trees per iteration (1, or the number of classes for multiclass). */
  readonly k: number;
  readonly constantHessian: boolean;
  /** Intercept-only raw prediction, one per tree slot. */
  baseline(): Float64Array;
  /** Fills grad and hess (k × n) from raw (k × n). `hess` is untouched when the hessian is constant. */
  gradients(raw: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /** Mean loss of `raw` (k × m) against targets `target` (length m). */
  meanLoss(raw: Float64Array, target: Float64Array): number;
}

const EPS = 10 * 2.220446049250313e-16;

function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Half squared error, regression: g = raw − y, h = 1. */
export class SquaredError implements BoostingLoss {
  readonly k = 1;
  readonly constantHessian = true;
  constructor(private readonly y: Float64Array) {}

  baseline(): Float64Array {
    let s = 0;
    for (let i = 0; i < this.y.length; i++) s += this.y[i]!;
    return Float64Array.of(s / this.y.length);
  }

  gradients(raw: Float64Array, grad: Float64Array): void {
    const y = this.y;
    for (let i = 0; i < y.length; i++) grad[i] = raw[i]! - y[i]!;
  }

  meanLoss(raw: Float64Array, target: Float64Array): number {
    let s = 0;
    for (let i = 0; i < target.length; i++) {
      const e = target[i]! - raw[i]!;
      s += e * e;
    }
    return (0.5 * s) / target.length;
  }
}

/** Binary log loss on the logit: g = p − y, h = p(1 − p). Targets are 0/1. */
export class BinaryLogLoss implements BoostingLoss {
  readonly k = 1;
  readonly constantHessian = false;
  constructor(private readonly y: Float64Array) {}

  baseline(): Float64Array {
    let s = 0;
    for (let i = 0; i < this.y.length; i++) s += this.y[i]!;
    const p = Math.min(Math.max(s / this.y.length, EPS), 1 - EPS);
    return Float64Array.of(Math.log(p / (1 - p)));
  }

  gradients(raw: Float64Array, grad: Float64Array, hess: Float64Array): void {
    const y = this.y;
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(raw[i]!);
      grad[i] = p - y[i]!;
      hess[i] = p * (1 - p);
    }
  }

  meanLoss(raw: Float64Array, target: Float64Array): number {
    let s = 0;
    for (let i = 0; i < target.length; i++) s += log1pExp(raw[i]!) - target[i]! * raw[i]!;
    return s / target.length;
  }
}

/** Multinomial log loss with softmax: g_k = p_k − [y = k], h_k = p_k(1 − p_k). Targets are class codes. */
export class MultinomialLogLoss implements BoostingLoss {
  readonly constantHessian = false;
  private readonly p: Float64Array;
  constructor(
    private readonly y: Float64Array,
    readonly k: number,
  ) {
    this.p = new Float64Array(k);
  }

  baseline(): Float64Array {
    const counts = new Float64Array(this.k);
    for (let i = 0; i < this.y.length; i++) counts[this.y[i]!]!++;
    const out = new Float64Array(this.k);
    let mean = 0;
    for (let c = 0; c < this.k; c++) {
      const p = Math.min(Math.max(counts[c]! / this.y.length, EPS), 1 - EPS);
      out[c] = Math.log(p);
      mean += out[c]! / this.k;
    }
    for (let c = 0; c < this.k; c++) out[c]! -= mean;
    return out;
  }

  gradients(raw: Float64Array, grad: Float64Array, hess: Float64Array): void {
    const { y, k, p } = this;
    const n = y.length;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[c * n + i]!);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(raw[c * n + i]! - max);
        p[c] = e;
        sum += e;
      }
      const yi = y[i]!;
      for (let c = 0; c < k; c++) {
        const pc = p[c]! / sum;
        grad[c * n + i] = pc - (yi === c ? 1 : 0);
        hess[c * n + i] = pc * (1 - pc);
      }
    }
  }

  meanLoss(raw: Float64Array, target: Float64Array): number {
    const k = this.k;
    const m = target.length;
    let s = 0;
    for (let i = 0; i < m; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[c * m + i]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(raw[c * m + i]! - max);
      s += max + Math.log(sum) - raw[target[i]! * m + i]!;
    }
    return s / m;
  }
}
