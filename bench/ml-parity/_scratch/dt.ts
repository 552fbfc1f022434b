import { readFileSync } from 'node:fs';
import { DecisionTreeClassifier } from '../../../src/ml/tree/index.js';
import { Matrix } from '../../../src/ml/core/matrix.js';
import { Random } from '../../../src/ml/core/random.js';
import { rankFeatures } from '../../../src/ml/tree/ranked.js';
import { growTree } from '../../../src/ml/tree/builder.js';
const lines = readFileSync('/work/shared/datasets/make_classification_20k.csv', 'utf8').trim().split('\n').slice(1);
const rows = lines.map((l) => l.split(',').map(Number));
const X = rows.map((r) => r.slice(0, -1)); const y = rows.map((r) => r[r.length - 1]!);
const n = 16000;
let t = performance.now();
const dt = new DecisionTreeClassifier().fit(X.slice(0, n), y.slice(0, n));
console.log('dt fit ms', performance.now() - t, 'depth', dt.depth, 'leaves', dt.nLeaves);
const pred = dt.predict(X.slice(n)); let acc = 0; for (let i = 0; i < pred.length; i++) acc += pred[i] === y[n + i] ? 1 : 0;
console.log('acc', acc / pred.length);
// RF-like: 100 trees bootstrap sqrt
const m = Matrix.fromRows(X.slice(0, n));
t = performance.now();
const ranked = rankFeatures(m);
console.log('rank ms', performance.now() - t);
const codes = Int32Array.from(y.slice(0, n));
const rng = new Random(0);
t = performance.now();
for (let k = 0; k < 20; k++) {
  const r = new Random(rng.nextUint32());
  const w = new Float64Array(n); for (let i = 0; i < n; i++) w[r.int(n)]!++;
  const s: number[] = []; for (let i = 0; i < n; i++) if (w[i]! > 0) s.push(i);
  growTree(ranked, { codes }, Int32Array.from(s), w, { criterion: 'gini', nOutputs: 2, maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 4 }, r);
}
console.log('20 rf trees ms', performance.now() - t);
