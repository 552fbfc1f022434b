import { readFileSync } from 'node:fs';
import { GradientBoostingClassifier } from '../../../src/ml/ensemble/index.js';
const lines = readFileSync('/work/shared/datasets/make_classification_20k.csv', 'utf8').trim().split('\n').slice(1);
const rows = lines.map((l) => l.split(',').map(Number));
const X = rows.map((r) => r.slice(0, -1)); const y = rows.map((r) => r[r.length - 1]!);
const n = 16000;
for (let rep = 0; rep < 2; rep++) {
const t = performance.now();
const gb = new GradientBoostingClassifier().fit(X.slice(0, n), y.slice(0, n));
const ms = performance.now() - t;
const pred = gb.predict(X.slice(n)); let acc = 0; for (let i = 0; i < pred.length; i++) acc += pred[i] === y[n + i] ? 1 : 0;
console.log('gb fit ms', ms.toFixed(0), 'iters', gb.nIter, 'acc', acc / pred.length, gb.validationLoss.at(-1));
}
