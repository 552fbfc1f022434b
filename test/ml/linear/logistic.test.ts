import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { LogisticRegression } from '../../../src/ml/linear/index.js';
import { minimizeLbfgs } from '../../../src/ml/linear/lbfgs.js';
import { accuracyOf, blobs, close, linearProblem, roundTrip } from '../models/fixtures.js';

/** Gradient of 0.5‖w‖² + C·Σ log-loss (sklearn's objective, unscaled) for a binary model. */
function binaryKktGradient(x: Matrix, y: ArrayLike<number>, w: Float64Array, b: number, C: number): { gw: Float64Array; gb: number } {
  const gw = Float64Array.from(w);
  let gb = 0;
  for (let i = 0; i < x.rows; i++) {
    let z = b;
    for (let j = 0; j < x.cols; j++) z += x.get(i, j) * w[j]!;
    const r = C * (1 / (1 + Math.exp(-z)) - y[i]!);
    for (let j = 0; j < x.cols; j++) gw[j]! += r * x.get(i, j);
    gb += r;
  }
  return { gw, gb };
}

void describe('minimizeLbfgs', () => {
  void it('finds the minimum of a badly scaled quadratic and of Rosenbrock', () => {
    const quad = minimizeLbfgs(
      (x, g) => {
        g[0] = 2 * (x[0]! - 3);
        g[1] = 200 * (x[1]! + 1);
        return (x[0]! - 3) ** 2 + 100 * (x[1]! + 1) ** 2;
      },
      new Float64Array(2),
      { maxIter: 100, gtol: 1e-10 },
    );
    close(quad.x[0]!, 3, 1e-8);
    close(quad.x[1]!, -1, 1e-8);
    const rosen = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 200, gtol: 1e-9 },
    );
    assert.ok(rosen.converged, rosen.message);
    close(rosen.x[0]!, 1, 1e-6);
    close(rosen.x[1]!, 1, 1e-6);
  });
});

void describe('LogisticRegression', () => {
  // Overlapping 1-D classes: larger x → class 1, but not separable, so the optimum is finite.
  const x1 = [[-3], [-2], [-1], [-0.5], [0.5], [0], [1], [2], [3], [-0.2]];
  const y1 = [0, 0, 0, 1, 0, 1, 1, 1, 1, 0];

  void it('fits a 1-D problem with a positive coefficient and proper probabilities', () => {
    const lr = new LogisticRegression().fit(x1, y1);
    assert.deepEqual(lr.classes, [0, 1]);
    assert.ok(lr.coef!.get(0, 0) > 0, `coef ${lr.coef!.get(0, 0)}`);
    const proba = lr.predictProba([[-5], [0], [5]]);
    for (let i = 0; i < 3; i++) close(proba.get(i, 0) + proba.get(i, 1), 1, 1e-12);
    assert.ok(proba.get(0, 1) < 0.1 && proba.get(2, 1) > 0.9);
    assert.deepEqual(lr.predict([[-5], [5]]), [0, 1]);
    assert.ok(lr.converged && lr.nIter > 0 && lr.nIter < 30, `nIter ${lr.nIter}`);
  });

  void it('reaches the optimum of 0.5‖w‖² + C·Σ loss (gradient ≈ 0, intercept unpenalised)', () => {
    for (const C of [0.1, 1, 10]) {
      const lr = new LogisticRegression({ C, tol: 1e-10 }).fit(x1, y1);
      const { gw, gb } = binaryKktGradient(Matrix.fromRows(x1), y1, lr.coef!.row(0), lr.intercept![0]!, C);
      // The solver works on the loss scaled by 1/(C·n), so the unscaled tolerance grows with C.
      close(gw[0]!, 0, 1e-7 * C, `C=${C} ∂w`);
      close(gb, 0, 1e-7 * C, `C=${C} ∂b`);
    }
    // Stronger regularisation shrinks the coefficient.
    const weak = new LogisticRegression({ C: 100 }).fit(x1, y1).coef!.get(0, 0);
    const strong = new LogisticRegression({ C: 0.01 }).fit(x1, y1).coef!.get(0, 0);
    assert.ok(strong < weak && strong > 0);
  });

  void it('with the default tol the mean-loss gradient is below tol', () => {
    const { x, y } = linearProblem(500, 5, 1, 3);
    const lr = new LogisticRegression().fit(x, y);
    const { gw, gb } = binaryKktGradient(x, y, lr.coef!.row(0), lr.intercept![0]!, 1);
    // sklearn scales by 1/(C·n): max |∇| ≤ tol on that scale.
    for (const g of [...gw, gb]) assert.ok(Math.abs(g) / 500 <= 1e-4, `gradient ${g / 500}`);
  });

  void it('fits three blobs with a multinomial model; string labels; probabilities sum to 1', () => {
    const { x, y } = blobs([[0, 0], [5, 0], [0, 5]], 40, 0.8, 1);
    const names = ['cat', 'dog', 'emu'];
    const labels = Array.from(y, (c) => names[c]!);
    const lr = new LogisticRegression().fit(x, labels);
    assert.deepEqual(lr.classes, names);
    assert.equal(lr.coef!.rows, 3);
    assert.ok(accuracyOf(lr.predict(x), labels) >= 0.97);
    assert.deepEqual(lr.predict([[0, 0], [5, 0], [0, 5]]), names);
    const proba = lr.predictProba(x);
    for (let i = 0; i < x.rows; i++) close(proba.get(i, 0) + proba.get(i, 1) + proba.get(i, 2), 1, 1e-12);
    // Softmax gradient w.r.t. the intercepts sums to zero, so the fitted intercepts stay centred.
    close(lr.intercept!.reduce((a, b) => a + b, 0), 0, 1e-8);
  });

  void it('multinomial optimum satisfies W + C·Σ (p − onehot) xᵀ ≈ 0', () => {
    const { x, y } = blobs([[0, 0], [2, 0], [0, 2]], 20, 1.2, 2);
    const lr = new LogisticRegression({ tol: 1e-10 }).fit(x, y);
    const p = lr.predictProba(x);
    for (let c = 0; c < 3; c++) {
      for (let j = 0; j < 2; j++) {
        let g = lr.coef!.get(c, j);
        for (let i = 0; i < x.rows; i++) g += (p.get(i, c) - (y[i] === c ? 1 : 0)) * x.get(i, j);
        close(g, 0, 1e-6, `∂W[${c},${j}]`);
      }
    }
  });

  void it('round-trips through the artifact codec with identical predictions', () => {
    const { x, y } = blobs([[0, 0], [5, 0], [0, 5]], 10, 1, 4);
    const lr = new LogisticRegression().fit(x, y);
    const back = roundTrip(lr);
    assert.ok(back instanceof LogisticRegression);
    assert.deepEqual(back.predictProba(x).data, lr.predictProba(x).data);
    assert.deepEqual(back.predict(x), lr.predict(x));
  });

  void it('rejects bad input with errors that name the estimator', () => {
    assert.throws(() => new LogisticRegression().predict([[1]]), NotFittedError);
    assert.throws(() => new LogisticRegression({ C: 0 }), (e: Error) => e instanceof ParamError && /LogisticRegression: C/.test(e.message));
    const lr = new LogisticRegression().fit(x1, y1);
    assert.throws(() => lr.predict([[1, 2]]), (e: Error) => e instanceof DataError && /LogisticRegression.*2 features.*fitted with 1/.test(e.message));
    assert.throws(() => lr.fit([[1], [NaN]], [0, 1]), (e: Error) => e instanceof DataError && /row 1/.test(e.message));
    assert.throws(() => lr.fit([[1], [Infinity]], [0, 1]), DataError);
    assert.throws(() => new LogisticRegression().fit([[1], [2]], [1, 1]), /only one class/);
    assert.throws(() => new LogisticRegression().fit([[1], [2]], [1]), /1 labels but X has 2 rows/);
  });
});
