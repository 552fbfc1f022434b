/** Adam over a flat parameter vector, with scikit-learn's bias-corrected step size. */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  /** Updates taken so far. */
  t = 0;

  constructor(
    size: number,
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** params -= lr_t · m̂ / (√v̂ + ε), with lr_t = lr · √(1 − β2ᵗ) / (1 − β1ᵗ). */
  step(params: Float64Array, grad: Float64Array): void {
    this.t++;
    const { beta1, beta2, epsilon, m, v } = this;
    const lr = (this.learningRate * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    for (let q = 0; q < params.length; q++) {
      const g = grad[q]!;
      const mq = beta1 * m[q]! + (1 - beta1) * g;
      const vq = beta2 * v[q]! + (1 - beta2) * g * g;
      m[q] = mq;
      v[q] = vq;
      params[q]! -= (lr * mq) / (Math.sqrt(vq) + epsilon);
    }
  }
}
