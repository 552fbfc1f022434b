import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError, ParamError } from '../../../src/ml/core/errors.js';
import { KMeans } from '../../../src/ml/cluster/index.js';
import { blobs, close, roundTrip } from './fixtures.js';

const truth = [[0, 0], [10, 0], [0, 10]];

void describe('KMeans', () => {
  void it('splits four 1-D points into the obvious pairs', () => {
    const km = new KMeans({ nClusters: 2, seed: 0 }).fit([[0], [1], [10], [11]]);
    const centres = Array.from(km.clusterCenters!.data).sort((a, b) => a - b);
    assert.deepEqual(centres, [0.5, 10.5]);
    close(km.inertia, 4 * 0.25, 1e-12);
    const l = km.labels!;
    assert.ok(l[0] === l[1] && l[2] === l[3] && l[0] !== l[2]);
    assert.deepEqual(Array.from(km.predict([[-3], [20]])), [l[0], l[2]]);
  });

  void it('finds three well-separated blobs', () => {
    const { x } = blobs(truth, 50, 0.5, 9);
    for (const init of ['k-means++', 'random'] as const) {
      const km = new KMeans({ nClusters: 3, init, seed: 1 }).fit(x);
      for (const t of truth) {
        let best = Infinity;
        for (let c = 0; c < 3; c++) best = Math.min(best, Math.hypot(km.clusterCenters!.get(c, 0) - t[0]!, km.clusterCenters!.get(c, 1) - t[1]!));
        assert.ok(best < 0.25, `${init}: no centre within 0.25 of (${t.join(', ')}), nearest at ${best}`);
      }
      // Inertia is the sum of squared distances to the assigned centres.
      let inertia = 0;
      for (let i = 0; i < x.rows; i++) {
        const c = km.labels![i]!;
        inertia += (x.get(i, 0) - km.clusterCenters!.get(c, 0)) ** 2 + (x.get(i, 1) - km.clusterCenters!.get(c, 1)) ** 2;
      }
      close(km.inertia, inertia, 1e-8);
      close(km.score(x), -inertia, 1e-8);
    }
  });

  void it('is deterministic by seed and keeps the best of nInit runs', () => {
    const { x } = blobs([[0, 0], [3, 0], [0, 3], [3, 3]], 30, 1, 5);
    const a = new KMeans({ nClusters: 4, seed: 7, nInit: 3 }).fit(x);
    const b = new KMeans({ nClusters: 4, seed: 7, nInit: 3 }).fit(x);
    assert.deepEqual(a.clusterCenters!.data, b.clusterCenters!.data);
    assert.deepEqual(a.labels, b.labels);
    const single = new KMeans({ nClusters: 4, seed: 7, nInit: 1 }).fit(x);
    assert.ok(a.inertia <= single.inertia + 1e-9);
  });

  void it('starts from given centres and transforms to distances', () => {
    const km = new KMeans({ nClusters: 2, init: [[0], [5]] }).fit([[0], [1], [10], [11]]);
    assert.deepEqual(Array.from(km.clusterCenters!.data), [0.5, 10.5]);
    const t = km.transform([[0.5], [3]]);
    assert.deepEqual(Array.from(t.data), [0, 10, 2.5, 7.5]);
  });

  void it('round-trips and validates', () => {
    const { x } = blobs(truth, 10, 0.5, 2);
    const km = new KMeans({ nClusters: 3, seed: 3 }).fit(x);
    const back = roundTrip(km);
    assert.deepEqual(back.predict(x), km.predict(x));
    assert.throws(() => new KMeans().predict([[1]]), NotFittedError);
    assert.throws(() => new KMeans({ nClusters: 5 }).fit([[1], [2]]), (e: Error) => e instanceof DataError && /2 rows but nClusters is 5/.test(e.message));
    assert.throws(() => new KMeans({ nClusters: 0 }), ParamError);
    assert.throws(() => km.predict([[1, 2, 3]]), /KMeans.predict: X has 3 features, but the model was fitted with 2/);
  });
});
