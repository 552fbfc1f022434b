import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { LinearRegression, Ridge } from '../../../src/ml/linear/index.js';
import { close, roundTrip } from '../models/fixtures.js';

void describe('LinearRegression', () => {
  void it('recovers exact coefficients and intercept on noise-free data', () => {
    const x = [[0, 1], [1, 0], [2, 3], [3, 1], [-1, 2], [4, -2]];
    const y = x.map(([a, b]) => 1 + 2 * a! - 3 * b!);
    const lr = new LinearRegression().fit(x, y);
    close(lr.coef![0]!, 2, 1e-12);
    close(lr.coef![1]!, -3, 1e-12);
    close(lr.intercept, 1, 1e-12);
    assert.equal(lr.rank, 2);
    close(lr.predict([[10, 10]])[0]!, 1 + 20 - 30, 1e-10);
    close(lr.score(x, y), 1, 1e-12);
  });

  void it('fits the least-squares line through points that are not collinear', () => {
    // x = 0,1,2 and y = 0,2,1: slope = Sxy/Sxx = 1/2, intercept = ȳ − slope·x̄ = 1 − 1/2.
    const lr = new LinearRegression().fit([[0], [1], [2]], [0, 2, 1]);
    close(lr.coef![0]!, 0.5, 1e-12);
    close(lr.intercept, 0.5, 1e-12);
  });

  void it('gives the minimum-norm solution when columns are duplicated, and without intercept', () => {
    const x = [[1, 1], [2, 2], [3, 3]];
    const lr = new LinearRegression().fit(x, [2, 4, 6]);
    assert.equal(lr.rank, 1);
    close(lr.coef![0]!, 1, 1e-10);
    close(lr.coef![1]!, 1, 1e-10);
    close(lr.intercept, 0, 1e-10);
    const through0 = new LinearRegression({ fitIntercept: false }).fit([[1], [2]], [2, 5]);
    // Σxy / Σx² = 12 / 5.
    close(through0.coef![0]!, 12 / 5, 1e-12);
    assert.equal(through0.intercept, 0);
  });

  void it('handles more features than rows (minimum-norm)', () => {
    const lr = new LinearRegression({ fitIntercept: false }).fit([[1, 0, 1]], [2]);
    close(lr.coef![0]!, 1, 1e-12);
    close(lr.coef![1]!, 0, 1e-12);
    close(lr.coef![2]!, 1, 1e-12);
  });

  void it('round-trips and validates input', () => {
    const lr = new LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
    const back = roundTrip(lr);
    assert.deepEqual(back.predict([[7], [-1]]), lr.predict([[7], [-1]]));
    assert.throws(() => new LinearRegression().predict([[1]]), NotFittedError);
    assert.throws(() => lr.predict([[1, 2]]), /LinearRegression.*2 features.*fitted with 1/);
    assert.throws(() => lr.fit([[1], [2]], [1, NaN]), (e: Error) => e instanceof DataError && /row 1/.test(e.message));
  });
});

void describe('Ridge', () => {
  void it('matches the closed form on three points', () => {
    // x̄ = 1, ȳ = 1, centred x = (−1, 0, 1): w = Sxy / (Sxx + α) = 2 / (2 + 1), b = ȳ − w·x̄.
    const ridge = new Ridge({ alpha: 1 }).fit([[0], [1], [2]], [0, 1, 2]);
    close(ridge.coef![0]!, 2 / 3, 1e-12);
    close(ridge.intercept, 1 / 3, 1e-12);
    // No intercept: w = Σxy / (Σx² + α) = 5 / (5 + 1).
    const noIntercept = new Ridge({ alpha: 1, fitIntercept: false }).fit([[0], [1], [2]], [0, 1, 2]);
    close(noIntercept.coef![0]!, 5 / 6, 1e-12);
  });

  void it('solves (XᵀX + αI) w = Xᵀy in two dimensions', () => {
    // Centred X = [[-1,-1],[1,-1],[0,2]] → XᵀX = [[2,0],[0,6]]; y centred = (−1, 0, 1) → Xᵀy = (1, 3).
    // With α = 2: w = (1/4, 3/8).
    const x = [[0, 0], [2, 0], [1, 3]];
    const ridge = new Ridge({ alpha: 2 }).fit(x, [0, 1, 2]);
    close(ridge.coef![0]!, 1 / 4, 1e-12);
    close(ridge.coef![1]!, 3 / 8, 1e-12);
    close(ridge.intercept, 1 - 1 / 4 - 3 / 8, 1e-12);
  });

  void it('equals least squares at alpha 0 and shrinks as alpha grows', () => {
    const x = [[0, 1], [1, 0], [2, 3], [3, 1], [-1, 2]];
    const y = [1, 2, 0, 5, -2];
    const ols = new LinearRegression().fit(x, y);
    const r0 = new Ridge({ alpha: 0 }).fit(x, y);
    close(r0.coef![0]!, ols.coef![0]!, 1e-10);
    close(r0.coef![1]!, ols.coef![1]!, 1e-10);
    const norm = (alpha: number): number => Math.hypot(...new Ridge({ alpha }).fit(x, y).coef!);
    assert.ok(norm(10) < norm(1) && norm(1) < norm(0.1));
  });

  void it('round-trips and validates parameters', () => {
    const ridge = new Ridge().fit([[0], [1], [2]], [0, 1, 2]);
    assert.deepEqual(roundTrip(ridge).predict([[5]]), ridge.predict([[5]]));
    assert.throws(() => new Ridge({ alpha: -1 }), (e: Error) => e instanceof ParamError && /Ridge: alpha/.test(e.message));
  });
});
