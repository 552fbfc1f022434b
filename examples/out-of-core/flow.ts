/**
 * Out-of-core training: a dataset that is never in memory at once.
 *
 *   start ─ generate (foreach chunk) ─ prepare (join) ─ train ⟲ (one chunk per iteration) ─ report ─ end
 *
 * - `generate` writes each chunk (seeded on its own) to an Arrow file and fits a StandardScaler on
 *   it; `prepare` merges the per-chunk scaler statistics into one scaler.
 * - `train` is a loop (a switch back-edge to itself): each iteration reads one chunk, scales it,
 *   scores the current model on it (progressive validation), trains on it with `partialFit`, then
 *   evaluates on the held-out chunks one at a time with StreamingClassificationMetrics. Foreach
 *   tasks run in parallel, so sequential training needs the loop.
 * - Every iteration records its own peak RSS: memory depends on the chunk size, not the dataset.
 *
 *   sluice run examples/out-of-core/flow.ts                                       # 1,000,000 rows in 20 chunks
 *   sluice run examples/out-of-core/flow.ts --rows 100000 --chunks 5 --eval-chunks 1   # seconds
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flow, param } from 'sluice';
import { Matrix, SGDClassifier, StandardScaler, StreamingClassificationMetrics } from 'sluice/ml';
import { featureNames, mergeScalers, readChunk, writeChunk, type ChunkSpec } from './chunks.js';
import { makeProblem, problemOptions, sampleChunk } from './data.js';
import { startMemoryMeter } from './memory.js';
import { renderCurve, type CurvePoint } from './report.js';

/** Upper bound on training chunks (the loop's maxIterations). */
const MAX_CHUNKS = 1000;
const CLASSES = [0, 1];

export default flow('OutOfCore', {
  doc: 'Chunked data generation, a scaler merged from per-chunk statistics, SGD trained with partialFit chunk by chunk, a learning curve.',
  params: {
    rows: param.int({ default: 1_000_000, min: 1000, help: 'training rows in total' }),
    chunks: param.int({ default: 20, min: 1, max: MAX_CHUNKS, help: 'training chunks (rows are split evenly)' }),
    evalChunks: param.int({ default: 2, min: 1, help: 'held-out chunks of the same size, for the learning curve' }),
    features: param.int({ default: 20, min: 10 }),
    seed: param.int({ default: 3, help: 'seed of the problem; chunk i uses seed + 1 + i' }),
    dataDir: param.string({ default: '', help: 'where chunk files go (default: a directory per run under the OS temp dir)' }),
    keepData: param.boolean({ default: false, help: 'keep the chunk files after the run' }),
  },
})
  .step('start', ({ params, current }) => {
    const dir = params.dataDir || join(tmpdir(), `sluice-out-of-core-${current.runId}`);
    mkdirSync(dir, { recursive: true });
    const chunkRows = Math.ceil(params.rows / params.chunks);
    const specs: ChunkSpec[] = [];
    for (let i = 0; i < params.chunks + params.evalChunks; i++) {
      const role = i < params.chunks ? 'train' : 'eval';
      const rows = role === 'train' ? Math.min(chunkRows, params.rows - i * chunkRows) : chunkRows;
      specs.push({ index: i, role, rows, seed: params.seed + 1 + i, path: join(dir, `chunk-${String(i).padStart(4, '0')}.arrow`) });
    }
    const problem = makeProblem(params.seed, problemOptions(params.features));
    console.log(`${params.rows.toLocaleString('en-US')} training rows in ${params.chunks} chunks of ≤ ${chunkRows.toLocaleString('en-US')} (+ ${params.evalChunks} held out) under ${dir}`);
    return { dataDir: dir, specs, problem };
  })
  .foreach('generate', { over: 'specs', resources: { cpu: 1, memoryMiB: 512 } }, async ({ item: spec, problem }) => {
    const memory = startMemoryMeter();
    const sample = sampleChunk(problem, spec.rows, spec.seed);
    const x = new Matrix(sample.x.rows, sample.x.cols, sample.x.data, featureNames(sample.x.cols));
    await writeChunk(spec.path, x, sample.y);
    // Only training chunks inform the scaler: held-out data must not leak into preprocessing.
    const scalerPart = spec.role === 'train' ? new StandardScaler().partialFit(x) : null;
    return { chunk: spec, scalerPart, generatePeakMiB: memory().peakMiB };
  })
  .join('prepare', ({ inputs, merge }) => {
    merge({ include: ['dataDir', 'problem'] });
    const train = inputs.filter((i) => i.chunk.role === 'train');
    const scaler = mergeScalers(train.map((i) => i.scalerPart!));
    const generatePeakMiB = Math.max(...inputs.map((i) => i.generatePeakMiB));
    return {
      scaler,
      trainChunks: train.map((i) => i.chunk),
      evalChunks: inputs.filter((i) => i.chunk.role === 'eval').map((i) => i.chunk),
      generatePeakMiB,
      // Loop state: the next chunk to train on, the curve so far.
      next: 0,
      curve: [] as CurvePoint[],
      progressive: new StreamingClassificationMetrics(),
    };
  })
  .step(
    'train',
    async (ctx) => {
      const memory = startMemoryMeter();
      const { scaler, trainChunks, evalChunks, next, curve, progressive, params } = ctx;
      const spec = trainChunks[next]!;
      const chunk = await readChunk(spec.path, params.features);
      const x = scaler.transform(chunk.x);
      const model = ctx.has('model') ? ctx.artifact<SGDClassifier>('model') : new SGDClassifier({ loss: 'log_loss', alpha: 1e-4, seed: params.seed });
      // Progressive validation: score each chunk before the model has seen it.
      if (next > 0) progressive.update(chunk.y, model.predict(x));
      model.partialFit(x, chunk.y, { classes: CLASSES });
      // Held-out chunks one at a time: only one chunk is in memory at any moment.
      const holdout = new StreamingClassificationMetrics({ classes: CLASSES });
      for (const e of evalChunks) {
        const held = await readChunk(e.path, params.features);
        const xe = scaler.transform(held.x);
        holdout.update(held.y, model.predict(xe), model.predictProba(xe));
      }
      const result = holdout.result();
      const point: CurvePoint = {
        chunk: next,
        rowsSeen: (curve.at(-1)?.rowsSeen ?? 0) + spec.rows,
        accuracy: result.accuracy,
        logLoss: result.logLoss!,
        balancedAccuracy: result.balancedAccuracy,
        peakRssMiB: memory().peakMiB,
      };
      console.log(
        `chunk ${next + 1}/${trainChunks.length}: ${point.rowsSeen.toLocaleString('en-US')} rows seen, held-out accuracy ${point.accuracy.toFixed(4)}, ` +
          `log loss ${point.logLoss.toFixed(4)}, peak RSS ${point.peakRssMiB.toFixed(0)} MiB`,
      );
      return { model, progressive, curve: [...curve, point], next: next + 1, more: next + 1 < trainChunks.length };
    },
    { resources: { cpu: 1, memoryMiB: 512 }, switch: { on: 'more', cases: { true: 'train', false: 'report' }, maxIterations: MAX_CHUNKS } },
  )
  .step('report', ({ curve, progressive, generatePeakMiB, trainChunks, params }) => {
    const learningCurve = curve;
    const final = learningCurve.at(-1)!;
    const trainPeakMiB = Math.max(...learningCurve.map((p) => p.peakRssMiB));
    const datasetMiB = (params.rows * (params.features * 8 + 4)) / 2 ** 20;
    const summary = {
      rows: params.rows,
      chunks: trainChunks.length,
      finalAccuracy: final.accuracy,
      finalLogLoss: final.logLoss,
      // Accuracy on each chunk before training on it (from the second chunk on).
      progressiveAccuracy: trainChunks.length > 1 ? progressive.result().accuracy : null,
      datasetMiB,
      generatePeakMiB,
      trainPeakMiB,
    };
    console.log(renderCurve(learningCurve));
    console.log(
      `dataset ${datasetMiB.toFixed(0)} MiB in memory terms; peak RSS of any task: generating ${generatePeakMiB.toFixed(0)} MiB, training ${trainPeakMiB.toFixed(0)} MiB`,
    );
    return { learningCurve, summary };
  })
  .step('end', ({ summary, dataDir, params }) => {
    if (!params.keepData) rmSync(dataDir, { recursive: true, force: true });
    console.log(
      `final held-out accuracy ${summary.finalAccuracy.toFixed(4)} after ${summary.chunks} chunks` +
        (params.keepData ? `; chunk files kept in ${dataDir}` : '; chunk files removed'),
    );
  });
