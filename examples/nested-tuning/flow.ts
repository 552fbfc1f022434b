/**
 * Nested tuning: algorithms × parameter grid × cross-validation folds as three nested foreaches.
 * Each fold task fits one candidate on one fold; the scores are aggregated per parameter set; the
 * best candidate of each algorithm is retrained on all the training data; the algorithms are then
 * compared on a held-out test set that no tuning decision has seen.
 *
 *   start ─ algorithm (foreach) ─ candidate (foreach) ─ fold (foreach) ─ cv (join) ─ search (join) ─ refit ─ compare (join) ─ end
 *
 *   sluice run examples/nested-tuning/flow.ts                                   # full grids, 5 folds
 *   sluice run examples/nested-tuning/flow.ts --grid small --folds 3 --rows 600 # seconds
 */
import { flow, param } from 'sluice';
import {
  StratifiedKFold,
  accuracy,
  aggregateResults,
  applySplit,
  fitAndScore,
  makeClassification,
  parameterGrid,
  scorer,
  trainTestSplit,
  type FitAndScoreResult,
  type ParamSet,
} from 'sluice/ml';
import { ALGORITHMS, formatParams, gridOf, makeEstimator, type Algorithm } from './grids.js';
import { renderComparison, type AlgorithmSummary } from './report.js';

const SCORING = ['accuracy', 'roc_auc'];

export default flow('NestedTuning', {
  doc: 'Grid search with cross-validation fanned out as nested foreach, best model per algorithm, compared on a held-out test set.',
  params: {
    rows: param.int({ default: 3000, min: 100, help: 'rows of synthetic data (75% for tuning, 25% held out)' }),
    folds: param.int({ default: 5, min: 2, help: 'cross-validation folds' }),
    grid: param.enum(['small', 'full'], { default: 'full', help: 'parameter grids: small (2 candidates per algorithm) or full' }),
    algorithms: param.list({ of: 'string', default: [...ALGORITHMS], help: `algorithms to tune: ${ALGORITHMS.join(', ')}` }),
    seed: param.int({ default: 11 }),
  },
})
  .step('start', ({ params }) => {
    const unknown = params.algorithms.filter((a) => !(ALGORITHMS as readonly string[]).includes(a));
    if (unknown.length > 0) throw new Error(`parameter 'algorithms': unknown ${unknown.join(', ')}; expected some of ${ALGORITHMS.join(', ')}`);
    const { x, y } = makeClassification({ nSamples: params.rows, nFeatures: 20, nInformative: 6, nRedundant: 4, flipY: 0.03, seed: params.seed });
    const holdout = applySplit(x, y, trainTestSplit(params.rows, { testSize: 0.25, stratify: y, seed: params.seed }));
    // Folds are row indices into the training set; each fold task loads only its own fold.
    const folds = new StratifiedKFold({ nSplits: params.folds, shuffle: true, seed: params.seed }).split(holdout.yTrain.length, holdout.yTrain);
    console.log(`${params.rows} rows: ${holdout.yTrain.length} for tuning (${params.folds} folds), ${holdout.yTest.length} held out`);
    return { ...holdout, folds, algorithms: [...params.algorithms] as Algorithm[] };
  })
  .foreach('algorithm', { over: 'algorithms' }, ({ item: algo, params }) => {
    const candidates = parameterGrid(gridOf(algo, params.grid)).map((p, candidate) => ({ candidate, params: p }));
    return { algo, candidates };
  })
  .foreach('candidate', { over: 'candidates' }, ({ item }) => ({ candidate: item.candidate, candidateParams: item.params }))
  .foreach('fold', { over: 'folds', resources: { cpu: 1, memoryMiB: 512 } }, ({ item: fold, index, algo, candidate, candidateParams, xTrain, yTrain, params }) => {
    const unit = fitAndScore({
      makeEstimator: (p: ParamSet) => makeEstimator(algo, p, params.seed),
      params: candidateParams,
      x: xTrain,
      y: yTrain,
      train: fold.train,
      test: fold.test,
      scoring: SCORING,
      candidate,
      fold: index,
      errorScore: 'raise',
    });
    return { unit };
  })
  .join('cv', ({ inputs, merge }) => {
    // A join carries forward only what it returns or merges: keep the shared data (same digest in
    // every input, so carried by reference) for the refit further down.
    merge({ exclude: ['unit'] });
    return { units: inputs.map((i) => i.unit) };
  })
  .join('search', ({ inputs, merge }) => {
    merge({ exclude: ['units', 'candidate', 'candidateParams'] });
    const algo = inputs[0]!.algo;
    const units: FitAndScoreResult[] = inputs.flatMap((i) => i.units);
    const search = aggregateResults(units, { refit: 'accuracy' });
    for (const c of search.candidates) {
      console.log(
        `${algo} #${c.candidate} ${formatParams(c.params)}: accuracy ${c.meanTest.accuracy!.toFixed(3)} ± ${c.stdTest.accuracy!.toFixed(3)}, ` +
          `AUC ${c.meanTest.roc_auc!.toFixed(3)} (rank ${c.rankTestScore})`,
      );
    }
    return { search };
  })
  .step('refit', ({ algo, search, xTrain, yTrain, xTest, yTest, params }) => {
    const started = performance.now();
    const model = makeEstimator(algo, search.bestParams, params.seed).fit(xTrain, yTrain);
    const fitSeconds = (performance.now() - started) / 1000;
    const best = search.candidates[search.bestIndex]!;
    const summary: AlgorithmSummary = {
      algo,
      bestParams: search.bestParams,
      candidates: search.candidates.length,
      cvAccuracy: best.meanTest.accuracy!,
      cvStd: best.stdTest.accuracy!,
      testAccuracy: accuracy(yTest, model.predict(xTest)),
      // The scorer picks decisionFunction or predictProba, whichever the model has.
      testAuc: scorer('roc_auc').score(model, xTest, yTest),
      fitSeconds,
    };
    console.log(`${algo}: best ${formatParams(summary.bestParams)} → test accuracy ${summary.testAccuracy.toFixed(3)}`);
    return { summary, model };
  })
  .join('compare', ({ inputs }) => {
    const summaries = inputs.map((i) => i.summary);
    const winner = inputs.reduce((a, b) => (b.summary.testAccuracy > a.summary.testAccuracy ? b : a));
    const report = renderComparison(summaries);
    console.log(report);
    return {
      summaries,
      // Every algorithm's full search table (mean/std/rank per candidate), keyed by algorithm.
      searches: Object.fromEntries(inputs.map((i) => [i.summary.algo, i.search])),
      winner: winner.summary.algo,
      model: winner.model,
      report,
    };
  })
  .step('end', ({ winner, summaries, current }) => {
    const w = summaries.find((s) => s.algo === winner)!;
    console.log(`winner: ${winner} (${formatParams(w.bestParams)}), test accuracy ${w.testAccuracy.toFixed(3)}; its model is the 'model' artifact of ${current.pathspec}`);
  });
