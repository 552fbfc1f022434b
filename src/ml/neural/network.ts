/**
 * A dense feed-forward network stored as one flat parameter vector (so the optimiser is a single
 * loop), with forward and backward passes over a minibatch in preallocated buffers.
 * Layer l has weights W_l (fanIn × fanOut, row-major, like scikit-learn's `coefs_[l]`) then
 * biases b_l (fanOut).
 */
import { Random } from '../core/random.js';
import { dot4, dotRow } from '../linear/kernels.js';
import { softmaxInPlace } from '../linear/math.js';

export type Activation = 'relu' | 'tanh' | 'logistic' | 'identity';
export type OutputActivation = 'logistic' | 'softmax';

/** Offsets of each layer's weights and biases in the flat parameter vector. */
export interface Layout {
  readonly sizes: readonly number[];
  readonly wOff: readonly number[];
  readonly bOff: readonly number[];
  readonly total: number;
}

export function layout(sizes: readonly number[]): Layout {
  const wOff: number[] = [];
  const bOff: number[] = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    wOff.push(at);
    at += sizes[l]! * sizes[l + 1]!;
    bOff.push(at);
    at += sizes[l + 1]!;
  }
  return { sizes, wOff, bOff, total: at };
}

/** Glorot-uniform init as scikit-learn: bound √(6 / (fanIn + fanOut)), factor 2 for logistic units. */
export function glorotInit(lay: Layout, activation: Activation, rng: Random): Float64Array {
  const params = new Float64Array(lay.total);
  const factor = activation === 'logistic' ? 2 : 6;
  for (let l = 0; l + 1 < lay.sizes.length; l++) {
    const fanIn = lay.sizes[l]!;
    const fanOut = lay.sizes[l + 1]!;
    const bound = Math.sqrt(factor / (fanIn + fanOut));
    const end = lay.bOff[l]! + fanOut;
    for (let q = lay.wOff[l]!; q < end; q++) params[q] = rng.uniform(-bound, bound);
  }
  return params;
}

/** Buffers for one minibatch of up to `capacity` rows: activations and deltas per layer. */
export class Workspace {
  readonly acts: Float64Array[];
  readonly deltas: Float64Array[];
  /** Per layer, the weights transposed (fanOut × fanIn) so forward products are row·row dots. */
  readonly transposed: Float64Array[];
  readonly scratch = new Float64Array(4);
  constructor(
    readonly lay: Layout,
    readonly capacity: number,
  ) {
    this.acts = lay.sizes.map((s) => new Float64Array(capacity * s));
    this.deltas = lay.sizes.map((s) => new Float64Array(capacity * s));
    this.transposed = lay.wOff.map((_, l) => new Float64Array(lay.sizes[l]! * lay.sizes[l + 1]!));
  }
}

/*
 * Dense kernels, four rows at a time (each weight load serves four rows). Leftover rows go
 * first: V8 compiles these loops while they run, and code after a hot loop would lack type
 * feedback at that point and bail out on every later call.
 */

/** z (rows × m) = a (rows × n) · Wᵀ + bias, with wt = W transposed (m × n). */
function denseForward(a: Float64Array, n: number, wt: Float64Array, params: Float64Array, b0: number, m: number, z: Float64Array, rows: number, tmp: Float64Array): void {
  const rows4 = rows - (rows & 3);
  for (let i = rows4; i < rows; i++) for (let j = 0; j < m; j++) z[i * m + j] = params[b0 + j]! + dotRow(a, i * n, wt, j * n, n);
  for (let i = 0; i < rows4; i += 4) {
    for (let j = 0; j < m; j++) {
      dot4(a, i * n, wt, j * n, n, tmp, 0);
      const b = params[b0 + j]!;
      z[i * m + j] = b + tmp[0]!;
      z[(i + 1) * m + j] = b + tmp[1]!;
      z[(i + 2) * m + j] = b + tmp[2]!;
      z[(i + 3) * m + j] = b + tmp[3]!;
    }
  }
}

/** grad[w0 + k·m + j] += Σ_rows a[r, k] · delta[r, j] (the weight gradient, W layout n × m). */
function weightGradient(a: Float64Array, n: number, delta: Float64Array, m: number, grad: Float64Array, w0: number, rows: number): void {
  const rows4 = rows - (rows & 3);
  for (let i = rows4; i < rows; i++) {
    for (let k = 0; k < n; k++) {
      const v = a[i * n + k]!;
      const g0 = w0 + k * m;
      for (let j = 0; j < m; j++) grad[g0 + j]! += v * delta[i * m + j]!;
    }
  }
  for (let i = 0; i < rows4; i += 4) {
    const d0 = i * m;
    const d1 = d0 + m;
    const d2 = d1 + m;
    const d3 = d2 + m;
    for (let k = 0; k < n; k++) {
      const v0 = a[i * n + k]!;
      const v1 = a[(i + 1) * n + k]!;
      const v2 = a[(i + 2) * n + k]!;
      const v3 = a[(i + 3) * n + k]!;
      const g0 = w0 + k * m;
      for (let j = 0; j < m; j++) grad[g0 + j]! += v0 * delta[d0 + j]! + v1 * delta[d1 + j]! + (v2 * delta[d2 + j]! + v3 * delta[d3 + j]!);
    }
  }
}

/** prev (rows × n) = delta (rows × m) · Wᵀ for W (n × m) at params[w0]. */
function backpropDelta(delta: Float64Array, m: number, params: Float64Array, w0: number, n: number, prev: Float64Array, rows: number, tmp: Float64Array): void {
  const rows4 = rows - (rows & 3);
  for (let i = rows4; i < rows; i++) for (let k = 0; k < n; k++) prev[i * n + k] = dotRow(delta, i * m, params, w0 + k * m, m);
  for (let i = 0; i < rows4; i += 4) {
    for (let k = 0; k < n; k++) {
      dot4(delta, i * m, params, w0 + k * m, m, tmp, 0);
      prev[i * n + k] = tmp[0]!;
      prev[(i + 1) * n + k] = tmp[1]!;
      prev[(i + 2) * n + k] = tmp[2]!;
      prev[(i + 3) * n + k] = tmp[3]!;
    }
  }
}

function activate(a: Float64Array, len: number, kind: Activation): void {
  if (kind === 'relu') {
    for (let q = 0; q < len; q++) if (a[q]! < 0) a[q] = 0;
  } else if (kind === 'tanh') {
    for (let q = 0; q < len; q++) a[q] = Math.tanh(a[q]!);
  } else if (kind === 'logistic') {
    for (let q = 0; q < len; q++) a[q] = 1 / (1 + Math.exp(-a[q]!));
  }
}

/** Multiplies the deltas by the activation's derivative, written in terms of its output a. */
function activationGrad(delta: Float64Array, a: Float64Array, len: number, kind: Activation): void {
  if (kind === 'relu') {
    for (let q = 0; q < len; q++) if (a[q] === 0) delta[q] = 0;
  } else if (kind === 'tanh') {
    for (let q = 0; q < len; q++) delta[q]! *= 1 - a[q]! * a[q]!;
  } else if (kind === 'logistic') {
    for (let q = 0; q < len; q++) delta[q]! *= a[q]! * (1 - a[q]!);
  }
}

/** Forward pass for `rows` rows already in ws.acts[0]; the output layer ends in ws.acts[L]. */
export function forward(params: Float64Array, ws: Workspace, rows: number, hidden: Activation, output: OutputActivation): void {
  const { sizes, wOff, bOff } = ws.lay;
  const last = sizes.length - 1;
  for (let l = 0; l < last; l++) {
    const n = sizes[l]!;
    const m = sizes[l + 1]!;
    const a = ws.acts[l]!;
    const z = ws.acts[l + 1]!;
    const w0 = wOff[l]!;
    const wt = ws.transposed[l]!;
    for (let k = 0; k < n; k++) for (let j = 0; j < m; j++) wt[j * n + k] = params[w0 + k * m + j]!;
    denseForward(a, n, wt, params, bOff[l]!, m, z, rows, ws.scratch);
    if (l + 1 < last) activate(z, rows * m, hidden);
    else if (output === 'logistic') activate(z, rows * m, 'logistic');
    else for (let i = 0; i < rows; i++) softmaxInPlace(z, i * m, m);
  }
}

/**
 * Backward pass after {@link forward}: `targets` holds the 0/1 targets (rows × outputs).
 * Writes the mean-loss gradient (+ alpha·W / rows) into `grad` and returns the batch loss
 * (log-loss mean + 0.5·alpha·‖W‖² / rows), exactly scikit-learn's `_backprop`.
 */
export function backward(
  params: Float64Array,
  grad: Float64Array,
  ws: Workspace,
  rows: number,
  targets: Float64Array,
  hidden: Activation,
  output: OutputActivation,
  alpha: number,
): number {
  const { sizes, wOff, bOff } = ws.lay;
  const last = sizes.length - 1;
  const out = ws.acts[last]!;
  const k = sizes[last]!;
  const eps = Number.EPSILON;
  let loss = 0;
  const dOut = ws.deltas[last]!;
  for (let q = 0; q < rows * k; q++) {
    const p = Math.min(Math.max(out[q]!, eps), 1 - eps);
    const t = targets[q]!;
    if (output === 'logistic') loss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    else if (t !== 0) loss -= t * Math.log(p);
    dOut[q] = out[q]! - t;
  }
  loss /= rows;
  const invRows = 1 / rows;
  let sq = 0;
  grad.fill(0);
  for (let l = last - 1; l >= 0; l--) {
    const n = sizes[l]!;
    const m = sizes[l + 1]!;
    const a = ws.acts[l]!;
    const delta = ws.deltas[l + 1]!;
    const w0 = wOff[l]!;
    const b0 = bOff[l]!;
    weightGradient(a, n, delta, m, grad, w0, rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) grad[b0 + j]! += delta[i * m + j]!;
    for (let q = w0; q < b0; q++) {
      const w = params[q]!;
      sq += w * w;
      grad[q] = (grad[q]! + alpha * w) * invRows;
    }
    for (let j = 0; j < m; j++) grad[b0 + j]! *= invRows;
    if (l > 0) {
      const prev = ws.deltas[l]!;
      backpropDelta(delta, m, params, w0, n, prev, rows, ws.scratch);
      activationGrad(prev, a, rows * n, hidden);
    }
  }
  return loss + (0.5 * alpha * sq) / rows;
}
