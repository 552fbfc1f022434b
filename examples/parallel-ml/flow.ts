/**
 * The same kind of work inside a flow: `features` maps a parallel function over the signals with
 * ctx.map (the planner decides workers and chunk size, and records its plan with the task);
 * `train` cross-validates over folds with ctx.map, the dataset sent once per worker.
 *
 *   sluice run examples/parallel-ml/flow.ts --signals 200
 *   sluice profile ParallelMl            # where the time went, and the maps' plans
 *   sluice plan examples/parallel-ml/flow.ts --step score --explain
 */
import { flow, param } from 'sluice';
import { makeClassification, StratifiedKFold } from 'sluice/ml';
import { cvFold, extractFeatures } from './tasks.js';

function signal(k: number, length: number): Float64Array {
  const s = new Float64Array(length);
  for (let i = 0; i < length; i++) s[i] = Math.sin((i * (k + 3)) / 50) + 0.3 * Math.sin(i / 7 + k);
  return s;
}

export default flow('ParallelMl', {
  params: {
    signals: param.int({ default: 100, min: 1, help: 'signals to extract features from' }),
    length: param.int({ default: 16_384, min: 64, help: 'samples per signal' }),
    rows: param.int({ default: 4000, min: 100, help: 'rows of the classification dataset' }),
  },
})
  .step('start', ({ params }) => ({ ids: Array.from({ length: params.signals }, (_, k) => k) }))
  .step('features', async ({ ids, params, map }) => {
    const signals = ids.map((k) => signal(k, params.length));
    const plan = await map.plan(signals, extractFeatures);
    console.log(plan.explain());
    return { features: await plan.run() };
  })
  .step('data', ({ params }) => {
    const data = makeClassification({ nSamples: params.rows, nFeatures: 20, nInformative: 8, seed: 42 });
    const folds = new StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }).split(data.y.length, data.y);
    // Two repeats of the cross-validation, as a foreach: each task maps over the folds.
    return { x: data.x, y: data.y, folds, repeats: [1, 2] };
  })
  .foreach('score', { over: 'repeats' }, async ({ x, y, folds, map }) => ({ accuracy: await map(folds, cvFold, { shared: { x, y }, explain: true }) }))
  .join('collect', ({ inputs }) => ({ accuracies: inputs.map((i) => i.accuracy) }))
  .step('end', ({ accuracies }) => console.log('fold accuracies', accuracies));
