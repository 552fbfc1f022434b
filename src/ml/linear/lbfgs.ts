/**
 * Limited-memory BFGS for smooth unconstrained minimisation (what scikit-learn's 'lbfgs' solver
 * does through SciPy), with a strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6).
 *
 * The objective writes its gradient into a caller-owned buffer and returns the value, so an
 * iteration allocates nothing.
 */

/** Computes f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Maximum iterations (each one a line search). */
  readonly maxIter: number;
  /** Stop when max |∇f| ≤ gtol (SciPy's `gtol`, scikit-learn's `tol`). */
  readonly gtol: number;
  /** Stop when the relative decrease of f falls below ftol (SciPy default for sklearn: 64·eps). */
  readonly ftol?: number;
  /** Number of correction pairs kept (SciPy's `maxcor`, default 10). */
  readonly memory?: number;
  /** Function evaluations allowed per line search (sklearn passes maxls=50). */
  readonly maxLineSearch?: number;
}

export interface LbfgsResult {
  /** The minimiser found (the buffer passed as x0, updated in place). */
  readonly x: Float64Array;
  readonly f: number;
  readonly nIter: number;
  readonly nEval: number;
  readonly converged: boolean;
  readonly message: string;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/** Minimises `objective` starting from `x0` (updated in place). */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? 64 * Number.EPSILON;
  const maxLs = options.maxLineSearch ?? 50;
  const x = x0;
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const s: Float64Array[] = Array.from({ length: m }, () => new Float64Array(n));
  const yv: Float64Array[] = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alphaHist = new Float64Array(m);
  let stored = 0;
  let head = 0; // slot for the next pair
  let nEval = 1;
  let f = objective(x, g);
  if (!Number.isFinite(f)) return { x, f, nIter: 0, nEval, converged: false, message: 'objective is not finite at the start' };
  if (maxAbs(g) <= options.gtol) return { x, f, nIter: 0, nEval, converged: true, message: 'gradient below tolerance' };

  // Evaluates the objective at x + a·d into (xt, gt); returns f and leaves φ'(a) in `lastSlope`.
  let lastSlope = 0;
  let lastAlpha = NaN;
  const phi = (a: number): number => {
    for (let i = 0; i < n; i++) xt[i] = x[i]! + a * d[i]!;
    const v = objective(xt, gt);
    nEval++;
    lastSlope = dot(gt, d);
    lastAlpha = a;
    return v;
  };

  for (let iter = 1; iter <= options.maxIter; iter++) {
    // Two-loop recursion: d = -H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let j = 0; j < stored; j++) {
      const k = (head - 1 - j + m) % m;
      const a = rho[k]! * dot(s[k]!, d);
      alphaHist[k] = a;
      const yk = yv[k]!;
      for (let i = 0; i < n; i++) d[i]! -= a * yk[i]!;
    }
    if (stored > 0) {
      const k = (head - 1 + m) % m;
      const gamma = 1 / (rho[k]! * dot(yv[k]!, yv[k]!));
      for (let i = 0; i < n; i++) d[i]! *= gamma;
    }
    for (let j = stored - 1; j >= 0; j--) {
      const k = (head - 1 - j + m) % m;
      const b = rho[k]! * dot(yv[k]!, d);
      const sk = s[k]!;
      const coef = alphaHist[k]! - b;
      for (let i = 0; i < n; i++) d[i]! += coef * sk[i]!;
    }
    let slope0 = dot(g, d);
    if (!(slope0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope0 = dot(g, d);
    }

    const a0 = stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const step = lineSearch(phi, () => lastSlope, f, slope0, a0, maxLs);
    if (step === undefined) {
      return { x, f, nIter: iter - 1, nEval, converged: false, message: 'line search could not find a step that decreases f' };
    }
    if (lastAlpha !== step.alpha) phi(step.alpha);
    const fNew = step.f;

    // New pair s = x_new - x, y = g_new - g.
    const sk = s[head]!;
    const yk = yv[head]!;
    for (let i = 0; i < n; i++) {
      sk[i] = xt[i]! - x[i]!;
      yk[i] = gt[i]! - g[i]!;
    }
    const sy = dot(sk, yk);
    if (sy > 1e-10 * dot(yk, yk)) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      if (stored < m) stored++;
    }
    x.set(xt);
    g.set(gt);
    const fOld = f;
    f = fNew;
    if (maxAbs(g) <= options.gtol) return { x, f, nIter: iter, nEval, converged: true, message: 'gradient below tolerance' };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, nIter: iter, nEval, converged: true, message: 'relative reduction of f below ftol' };
    }
  }
  return { x, f, nIter: options.maxIter, nEval, converged: false, message: `reached maxIter=${options.maxIter}` };
}

/** Strong-Wolfe line search. Returns the accepted step, or undefined when none was found. */
function lineSearch(
  phi: (a: number) => number,
  slopeAtLast: () => number,
  f0: number,
  slope0: number,
  aInit: number,
  maxEval: number,
): { alpha: number; f: number } | undefined {
  let aPrev = 0;
  let fPrev = f0;
  let dPrev = slope0;
  let a = aInit;
  let evals = 0;
  let best: { alpha: number; f: number } | undefined;
  while (evals < maxEval) {
    const fa = phi(a);
    const da = slopeAtLast();
    evals++;
    if (Number.isFinite(fa) && fa < f0 && (!best || fa < best.f)) best = { alpha: a, f: fa };
    if (!Number.isFinite(fa) || fa > f0 + C1 * a * slope0 || (evals > 1 && fa >= fPrev)) {
      return zoom(aPrev, fPrev, dPrev, a, fa, da) ?? best;
    }
    if (Math.abs(da) <= -C2 * slope0) return { alpha: a, f: fa };
    if (da >= 0) return zoom(a, fa, da, aPrev, fPrev, dPrev) ?? best;
    aPrev = a;
    fPrev = fa;
    dPrev = da;
    a *= 2;
  }
  return best;

  function zoom(lo: number, fLo: number, dLo: number, hi: number, fHi: number, dHi: number): { alpha: number; f: number } | undefined {
    while (evals < maxEval) {
      const width = hi - lo;
      let a = Number.isFinite(fHi) ? cubicMin(lo, fLo, dLo, hi, fHi, dHi) : NaN;
      // Safeguard: stay inside the middle of the bracket, else bisect.
      const low = Math.min(lo, hi) + 0.1 * Math.abs(width);
      const high = Math.max(lo, hi) - 0.1 * Math.abs(width);
      if (!(a >= low && a <= high)) a = lo + 0.5 * width;
      if (Math.abs(width) < 1e-16 * Math.max(1, Math.abs(lo))) return best;
      const fa = phi(a);
      const da = slopeAtLast();
      evals++;
      if (Number.isFinite(fa) && fa < f0 && (!best || fa < best.f)) best = { alpha: a, f: fa };
      if (!Number.isFinite(fa) || fa > f0 + C1 * a * slope0 || fa >= fLo) {
        hi = a;
        fHi = fa;
        dHi = da;
      } else {
        if (Math.abs(da) <= -C2 * slope0) return { alpha: a, f: fa };
        if (da * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dHi = dLo;
        }
        lo = a;
        fLo = fa;
        dLo = da;
      }
    }
    return best;
  }
}
