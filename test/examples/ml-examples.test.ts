/**
 * The sluice/ml example flows, end to end: each runs through the real CLI (dist/, as users run it)
 * in its smallest configuration, and the results are read back with the Client.
 * Needs a built dist/ (`npm run build`); the examples import 'sluice', which resolves to dist/.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, type RunHandle, type TaskHandle } from '../../src/client/index.js';
import { StandardScaler, parameterGrid, type Pipeline, type ParamSet, type SearchResults, type StreamingClassificationMetrics } from '../../src/ml/index.js';
import { tempHome } from '../helpers/run.js';
import { featureNames } from '../../examples/out-of-core/chunks.js';
import { makeProblem, problemOptions, sampleChunk } from '../../examples/out-of-core/data.js';
import type { CurvePoint } from '../../examples/out-of-core/report.js';
import { gridOf, type Algorithm } from '../../examples/nested-tuning/grids.js';
import type { AlgorithmSummary } from '../../examples/nested-tuning/report.js';
import type { RecommendationRow, SizeAdvice } from '../../examples/resource-aware-training/report.js';
import type { TrainResult } from '../../examples/resource-aware-training/train.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const ALGOS = ['gb', 'lr', 'mlp', 'rf', 'svm'];

const home = tempHome('sluice-ml-examples-');
let client: Client;
before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run 'npm run build' first (the examples import 'sluice', which resolves to dist/)`);
  client = new Client(home.home);
});
after(async () => {
  await client.close();
  home.cleanup();
});

/**
 * Runs an example through the CLI; resolves with the run once it has succeeded. One worker: the
 * results do not depend on parallelism, and every worker costs about a CPU-second to start
 * (tsx, the flow, the library), which matters on a loaded machine.
 */
async function runExample(name: string, args: string[]): Promise<RunHandle> {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_HOME: home.home };
  for (const key of Object.keys(env)) if (key.startsWith('SLUICE_PARAM_')) delete env[key];
  const child = spawn(process.execPath, [CLI, 'run', join(ROOT, 'examples', name, 'flow.ts'), '--max-workers', '1', '--quiet', ...args], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `example ${name} failed:\n${output}`);
  const pathspec = /✓ (\S+) succeeded/.exec(output)?.[1];
  assert.ok(pathspec, `no run pathspec in the output of ${name}:\n${output}`);
  return client.run(pathspec);
}

async function tasksOf(run: RunHandle, step: string): Promise<TaskHandle[]> {
  return (await run.step(step)).taskList();
}

describe('examples/resource-aware-training', () => {
  test('trains every algorithm once per size and recommends from accuracy per second and per GiB', async () => {
    const run = await runExample('resource-aware-training', ['--sizes', '1000', '--trees', '20']);
    const data = await run.data();
    const rows = data.recommendations as RecommendationRow[];
    assert.deepEqual(rows.map((r) => r.algo).sort(), ALGOS);
    for (const r of rows) {
      assert.equal(r.rows, 1000);
      assert.ok(r.accuracy > 0.5 && r.accuracy <= 1, `${r.algo}: accuracy ${r.accuracy} should be in (0.5, 1]`);
      assert.ok(r.fitSeconds > 0 && r.peakRssMiB > 0, `${r.algo}: fit time and peak memory are measured`);
      assert.ok(Math.abs(r.accuracyPerSecond - r.accuracy / Math.max(r.fitSeconds, 1e-3)) < 1e-9);
      assert.ok(Math.abs(r.accuracyPerGiB - r.accuracy / (r.peakRssMiB / 1024)) < 1e-9);
    }
    // Sorted by accuracy within a size.
    assert.deepEqual(
      rows.map((r) => r.accuracy),
      [...rows.map((r) => r.accuracy)].sort((a, b) => b - a),
    );
    const [advice] = data.advice as SizeAdvice[];
    const top = Math.max(...rows.map((r) => r.accuracy));
    assert.equal(rows.find((r) => r.algo === advice!.mostAccurate)!.accuracy, top);
    assert.ok(rows.find((r) => r.algo === advice!.recommended)!.accuracy >= top - 0.01, 'the recommendation is within a point of the best');
    assert.match(data.report as string, /RandomForest[\s\S]*1,000 rows: use /);

    // One task per algorithm, each routed to its own step; the runtime recorded its resource use too.
    for (const algo of ALGOS) {
      const [task] = await tasksOf(run, `train_${algo}`);
      assert.ok(task, `train_${algo} ran`);
      const result = (await task.artifact<TrainResult>('result'));
      assert.equal(result.algo, algo);
      assert.ok((task.record.stats?.peakRssBytes ?? 0) > 0, `train_${algo} has recorded stats`);
      if (process.platform === 'linux') assert.equal(result.peakExact, true, 'the peak is the task’s own on Linux');
    }
  });
});

describe('examples/nested-tuning', () => {
  test('fans out algorithm × candidate × fold, picks the best candidate per algorithm and compares on held-out data', async () => {
    const folds = 3;
    const run = await runExample('nested-tuning', ['--grid', 'small', '--folds', String(folds), '--rows', '600']);
    const candidates = Object.fromEntries(ALGOS.map((a) => [a, parameterGrid(gridOf(a as Algorithm, 'small'))]));
    const units = Object.values(candidates).reduce((sum, c) => sum + c.length * folds, 0);
    assert.equal((await run.step('fold')).taskCount, units);

    const data = await run.data();
    const summaries = data.summaries as AlgorithmSummary[];
    const searches = data.searches as Record<string, SearchResults<ParamSet>>;
    assert.deepEqual(summaries.map((s) => s.algo).sort(), ALGOS);
    for (const s of summaries) {
      const search = searches[s.algo]!;
      assert.equal(search.candidates.length, candidates[s.algo]!.length);
      for (const c of search.candidates) {
        // aggregateResults' mean is the mean of the per-fold scores.
        const split = c.splitTest.accuracy!;
        assert.equal(split.length, folds);
        assert.ok(Math.abs(c.meanTest.accuracy! - split.reduce((a, b) => a + b, 0) / folds) < 1e-12);
      }
      // The best parameter set is a grid point with the highest mean CV accuracy.
      assert.ok(candidates[s.algo]!.some((p) => JSON.stringify(p) === JSON.stringify(s.bestParams)));
      assert.equal(s.cvAccuracy, Math.max(...search.candidates.map((c) => c.meanTest.accuracy!)));
      assert.deepEqual(s.bestParams, search.bestParams);
      assert.ok(s.testAccuracy > 0.5 && s.testAccuracy <= 1, `${s.algo}: test accuracy ${s.testAccuracy}`);
    }
    const best = summaries.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
    assert.equal(data.winner, best.algo);
    const model = data.model as Pipeline;
    assert.equal(typeof model.predict, 'function');
  });
});

describe('examples/out-of-core', () => {
  test('trains chunk by chunk in a loop, with a merged scaler and one learning-curve point per chunk', async () => {
    const rows = 40_000;
    const chunks = 4;
    const run = await runExample('out-of-core', ['--rows', String(rows), '--chunks', String(chunks), '--eval-chunks', '1', '--seed', '3']);
    assert.equal((await run.step('generate')).taskCount, chunks + 1);
    assert.equal((await run.step('train')).taskCount, chunks, 'one loop iteration per training chunk');

    const data = await run.data();
    const curve = data.learningCurve as CurvePoint[];
    assert.deepEqual(
      curve.map((p) => [p.chunk, p.rowsSeen]),
      [
        [0, 10_000],
        [1, 20_000],
        [2, 30_000],
        [3, 40_000],
      ],
    );
    const summary = data.summary as { finalAccuracy: number; trainPeakMiB: number; progressiveAccuracy: number };
    assert.equal(summary.finalAccuracy, curve.at(-1)!.accuracy);
    assert.ok(summary.finalAccuracy > 0.7, `final accuracy ${summary.finalAccuracy} should exceed 0.7`);
    assert.ok(summary.trainPeakMiB > 0);
    // Progressive validation scored chunks 2..4 before training on them.
    assert.equal((data.progressive as StreamingClassificationMetrics).result().n, rows - rows / chunks);

    // The merged scaler equals one scaler fitted on all training rows at once (chunk i has seed 3 + 1 + i).
    const problem = makeProblem(3, problemOptions(20));
    const all = new StandardScaler();
    for (let i = 0; i < chunks; i++) all.partialFit(sampleChunk(problem, rows / chunks, 4 + i).x);
    const merged = data.scaler as StandardScaler;
    assert.deepEqual(Array.from(merged.nSamplesSeen!), new Array<number>(20).fill(rows));
    merged.mean!.forEach((m, c) => assert.ok(Math.abs(m - all.mean![c]!) <= 1e-9 * Math.max(1, Math.abs(m)), `mean of ${featureNames(20)[c]}`));
    merged.variance!.forEach((v, c) => assert.ok(Math.abs(v - all.variance![c]!) <= 1e-9 * v, `variance of ${featureNames(20)[c]}`));

    // The chunk files were removed at the end.
    assert.equal(existsSync(data.dataDir as string), false);
  });
});
