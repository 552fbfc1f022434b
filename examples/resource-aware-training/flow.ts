/**
 * Resource-aware training: five algorithms × three dataset sizes, each task declaring the CPU and
 * memory its algorithm needs, ending with a recommendation table (accuracy per second, per GiB).
 *
 *   start ─ dataset (foreach size) ─ algorithm (foreach algo, switch) ─┬─ train_lr  ─┐
 *                                                                      ├─ train_svm ─┤
 *                                                                      ├─ train_rf  ─┼─ by_size ─ all_sizes ─ recommend ─ end
 *                                                                      ├─ train_gb  ─┤   (join)     (join)
 *                                                                      └─ train_mlp ─┘
 *
 * A foreach step's options apply to all of its tasks, so the per-algorithm `resources` live on
 * per-algorithm steps that a switch inside the foreach routes to.
 *
 *   sluice run examples/resource-aware-training/flow.ts                 # 1,000 / 10,000 / 100,000 rows
 *   sluice run examples/resource-aware-training/flow.ts --sizes 1000    # seconds
 */
import { flow, param } from 'sluice';
import { StandardScaler, applySplit, makeClassification, trainTestSplit } from 'sluice/ml';
import { adviceBySize, recommendationRows, renderReport } from './report.js';
import { ALGORITHMS, FOREST_CPUS, trainMeasured, type Algorithm, type ModelSettings, type TrainData, type TrainResult } from './train.js';

export default flow('ResourceAwareTraining', {
  doc: 'LR, linear SVM, random forest, gradient boosting and an MLP at several dataset sizes, with per-algorithm resources.',
  params: {
    sizes: param.list({ of: 'int', default: [1_000, 10_000, 100_000], help: 'dataset sizes (rows, 80% train / 20% test)' }),
    algorithms: param.list({ of: 'string', default: [...ALGORITHMS], help: `algorithms to train: ${ALGORITHMS.join(', ')}` }),
    features: param.int({ default: 20, min: 14, help: 'features (10 informative, 4 redundant, the rest noise)' }),
    trees: param.int({ default: 100, min: 1, help: 'trees in the random forest' }),
    seed: param.int({ default: 42 }),
  },
})
  .step('start', ({ params }) => {
    const unknown = params.algorithms.filter((a) => !(ALGORITHMS as readonly string[]).includes(a));
    if (unknown.length > 0) throw new Error(`parameter 'algorithms': unknown ${unknown.join(', ')}; expected some of ${ALGORITHMS.join(', ')}`);
    if (params.sizes.some((s) => s < 100)) throw new Error(`parameter 'sizes': every size must be at least 100 rows, got ${params.sizes.join(', ')}`);
    const settings: ModelSettings = { trees: params.trees, seed: params.seed };
    return { sizes: [...params.sizes], settings };
  })
  .foreach(
    'dataset',
    { over: 'sizes', resources: { cpu: 1, memoryMiB: 512 }, doc: 'generate, split and standardise one dataset' },
    ({ item: rows, params }) => {
      const { x, y } = makeClassification({ nSamples: rows, nFeatures: params.features, nInformative: 10, nRedundant: 4, flipY: 0.02, seed: params.seed });
      const split = applySplit(x, y, trainTestSplit(rows, { testSize: 0.2, stratify: y, seed: params.seed }));
      // Trees ignore scaling; the linear models and the MLP need it. Fit on train rows only.
      const scaler = new StandardScaler().fit(split.xTrain);
      console.log(`${rows} rows × ${x.cols} features: ${split.xTrain.rows} train, ${split.xTest.rows} test`);
      return {
        rows,
        xTrain: scaler.transform(split.xTrain),
        xTest: scaler.transform(split.xTest),
        yTrain: split.yTrain,
        yTest: split.yTest,
        algorithms: [...params.algorithms] as Algorithm[],
      };
    },
  )
  .foreach('algorithm', { over: 'algorithms', switch: { on: 'algo', cases: Object.fromEntries(ALGORITHMS.map((a) => [a, `train_${a}`])) } }, ({ item }) => ({
    algo: item,
  }))
  // Declared resources include the worker's own ~110 MiB (Node, the runtime, the loaded flow).
  .step('train_lr', (ctx) => ({ result: train('lr', ctx) }), { next: 'by_size', resources: { cpu: 1, memoryMiB: 384 } })
  .step('train_svm', (ctx) => ({ result: train('svm', ctx) }), { next: 'by_size', resources: { cpu: 1, memoryMiB: 384 } })
  .step('train_rf', (ctx) => ({ result: train('rf', ctx) }), { next: 'by_size', resources: { cpu: FOREST_CPUS, memoryMiB: 1024 } })
  .step('train_gb', (ctx) => ({ result: train('gb', ctx) }), { next: 'by_size', resources: { cpu: 1, memoryMiB: 768 } })
  .step('train_mlp', (ctx) => ({ result: train('mlp', ctx) }), { next: 'by_size', resources: { cpu: 1, memoryMiB: 768 } })
  .join('by_size', ({ inputs }) => ({ results: inputs.map((i) => i.result) }))
  .join('all_sizes', ({ inputs }) => ({ results: inputs.flatMap((i) => i.results) }))
  .step('recommend', ({ results }) => {
    const recommendations = recommendationRows(results);
    const advice = adviceBySize(recommendations);
    const report = renderReport(recommendations, advice);
    console.log(report);
    return { recommendations, advice, report };
  })
  .step('end', ({ recommendations, current }) => {
    console.log(`${recommendations.length} measurements; table in the 'recommendations' and 'report' artifacts of ${current.pathspec}`);
  });

/** What a train_* step reads: the dataset of its size (loaded inside the memory meter). */
interface TrainContext {
  readonly rows: number;
  readonly xTrain: TrainData['xTrain'];
  readonly yTrain: TrainData['yTrain'];
  readonly xTest: TrainData['xTest'];
  readonly yTest: TrainData['yTest'];
  readonly settings: ModelSettings;
}

function train(algo: Algorithm, ctx: TrainContext): TrainResult {
  const result = trainMeasured(algo, () => ({ rows: ctx.rows, xTrain: ctx.xTrain, yTrain: ctx.yTrain, xTest: ctx.xTest, yTest: ctx.yTest }), ctx.settings);
  console.log(
    `${algo} on ${result.rows} rows: accuracy ${result.accuracy.toFixed(3)}, fit ${result.fitSeconds.toFixed(2)} s, ` +
      `peak RSS ${result.peakRssMiB.toFixed(0)} MiB (started at ${result.startRssMiB.toFixed(0)})`,
  );
  return result;
}
