import { readFileSync } from 'node:fs';
import { RandomForestClassifier } from '../../../src/ml/ensemble/random-forest.js';
const lines = readFileSync('/work/shared/datasets/make_classification_20k.csv', 'utf8').trim().split('\n').slice(1);
const rows = lines.map((l) => l.split(',').map(Number));
const X = rows.map((r) => r.slice(0, -1)); const y = rows.map((r) => r[r.length - 1]!);
const n = 16000;
for (const nJobs of [1, 2]) {
  const t = performance.now();
  const rf = new RandomForestClassifier({ nJobs, nEstimators: Number(process.argv[2] ?? 100) }).fit(X.slice(0, n), y.slice(0, n));
  const ms = performance.now() - t;
  const pred = rf.predict(X.slice(n)); let acc = 0; for (let i = 0; i < pred.length; i++) acc += pred[i] === y[n + i] ? 1 : 0;
  const p = rf.predictProba(X.slice(n, n + 3));
  console.log('nJobs', nJobs, 'fit ms', ms.toFixed(0), 'acc', acc / pred.length, Array.from(p.data).map(v=>v.toFixed(3)).join(','));
}
