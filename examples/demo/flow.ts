/**
 * The demo: a small churn-style model search on synthetic data.
 *
 *   start ─┬─ profile ───────────────────────────┐
 *          └─ scale ─ train (foreach over C) ─ pick ┴─ report ─ end
 *
 * It exercises a static branch, a foreach whose tasks each train a model, and two joins.
 * Run it with `npm run demo` (or `sluice run examples/demo/flow.ts --rows 20000`).
 */
import { flow, param } from 'sluice';
import { LogisticRegression, StandardScaler, accuracy, makeClassification, rocAuc } from 'sluice/ml';

export default flow('ChurnDemo', {
  params: {
    rows: param.int({ default: 5000, min: 200, help: 'rows of synthetic data' }),
    cs: param.list({ of: 'float', default: [0.001, 0.01, 0.1, 1, 10], help: 'inverse regularisation strengths to try' }),
    seed: param.int({ default: 7 }),
  },
})
  .step(
    'start',
    ({ params }) => {
      const { x, y } = makeClassification({ nSamples: params.rows, nFeatures: 12, nInformative: 5, nRedundant: 2, flipY: 0.05, seed: params.seed });
      const cut = Math.floor(x.rows * 0.8);
      const train = Int32Array.from({ length: cut }, (_, i) => i);
      const test = Int32Array.from({ length: x.rows - cut }, (_, i) => cut + i);
      console.log(`generated ${x.rows} rows × ${x.cols} features; ${cut} for training`);
      return {
        xTrain: x.takeRows(train),
        xTest: x.takeRows(test),
        yTrain: y.slice(0, cut),
        yTest: y.slice(cut),
        cs: [...params.cs],
      };
    },
    { next: ['profile', 'scale'] },
  )
  .step(
    'profile',
    ({ yTrain }) => {
      const positives = yTrain.reduce((sum, v) => sum + v, 0);
      return { positiveRate: positives / yTrain.length };
    },
    { next: 'report' },
  )
  .step('scale', ({ xTrain, xTest }) => {
    const scaler = new StandardScaler().fit(xTrain);
    return { scaler, xTrainScaled: scaler.transform(xTrain), xTestScaled: scaler.transform(xTest) };
  })
  .foreach('train', { over: 'cs' }, ({ item: c, xTrainScaled, yTrain, xTestScaled, yTest }) => {
    const model = new LogisticRegression({ C: c }).fit(xTrainScaled, Array.from(yTrain));
    const proba = model.predictProba(xTestScaled);
    const scores = Float64Array.from({ length: proba.rows }, (_, r) => proba.get(r, 1));
    const result = { c, accuracy: accuracy(Array.from(yTest), model.predict(xTestScaled)), auc: rocAuc(Array.from(yTest), scores) };
    console.log(`C=${c}: accuracy ${result.accuracy.toFixed(3)}, AUC ${result.auc.toFixed(3)}`);
    return { model, result };
  })
  .join(
    'pick',
    ({ inputs }) => {
      const results = inputs.map((i) => i.result);
      const best = inputs.reduce((a, b) => (b.result.auc > a.result.auc ? b : a));
      return { results, best: best.result, model: best.model, scaler: inputs[0]!.scaler };
    },
    { next: 'report' },
  )
  .join('report', ({ input }) => {
    const { best, results } = input('pick');
    const summary = {
      positiveRate: input('profile').positiveRate,
      tried: results.length,
      bestC: best.c,
      bestAuc: best.auc,
      bestAccuracy: best.accuracy,
    };
    return { summary, model: input('pick').model, scaler: input('pick').scaler };
  })
  .step('end', ({ summary, current }) => {
    console.log(
      `best C=${summary.bestC}: AUC ${summary.bestAuc.toFixed(3)}, accuracy ${summary.bestAccuracy.toFixed(3)} ` +
        `(${summary.tried} models; ${(summary.positiveRate * 100).toFixed(1)}% positives)`,
    );
    console.log(`model and scaler stored as artifacts of ${current.pathspec}`);
  });
