/**
 * ml-parity: our models against scikit-learn on the same data, folds and preprocessing.
 *
 * For each dataset in ../shared/datasets, 5 folds are made once (stratified for classification)
 * and written to a temp JSON file; a scikit-learn worker process reads the same folds. Every fold
 * of every model is fitted on both sides, interleaved so both see the same machine load. Models
 * use scikit-learn's defaults on both sides, seeded by fold index:
 *   lr  LogisticRegression (LinearRegression for regression), inputs standardised per fold
 *   rf  RandomForest with 100 trees, single-threaded (sklearn n_jobs=1, ours nJobs=1)
 *   gb  GradientBoosting vs HistGradientBoosting
 * scikit-learn runs with OMP_NUM_THREADS=1 (single core, the fair comparison); on make_classification_20k
 * HistGradientBoosting is also timed with its default OpenMP threading (on the small datasets OpenMP
 * start-up and contention dominate: seconds per fit on a busy 2-core machine, so it is not repeated
 * there). Scores: accuracy, or R² for regression.
 *
 * Targets: mean CV accuracy within 1 percentage point of scikit-learn for every model on every
 * classification dataset; fit time on make_classification_20k ≤ 3× scikit-learn for rf and gb,
 * ≤ 2× for lr. Exits 1 when a target fails.
 *
 * Usage: node --import tsx bench/ml-parity.ts [dataset ...]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASETS, loadCsv, makeFolds, type Dataset } from './ml-parity/data.js';
import { runOurs, type ModelName } from './ml-parity/ours.js';
import { PYTHON, SklearnWorker, sklearnVersion } from './ml-parity/python.js';

const FOLDS = 5;
const MODELS: readonly ModelName[] = ['lr', 'rf', 'gb'];
const BIG = 'make_classification_20k';
const TIME_TARGETS: Record<ModelName, number> = { lr: 2, rf: 3, gb: 3 };

interface Cell {
  ours: number[];
  theirs: number[];
  ourFit: number[];
  theirFit: number[];
  theirFitThreaded: number[];
  ourIter: number[];
  theirIter: number[];
}

const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);

async function main(): Promise<number> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dataDir = resolve(root, '../shared/datasets');
  if (!existsSync(dataDir)) {
    console.log('ml-parity: ../shared/datasets not found; skipping');
    return 0;
  }
  const version = sklearnVersion();
  if (!version) {
    console.log(
      `ml-parity: scikit-learn cannot be imported by ${PYTHON}; install it with \`apt-get update && apt-get install -y python3-sklearn\`; skipping`,
    );
    return 0;
  }
  const wanted = process.argv.slice(2);
  const specs = DATASETS.filter((d) => wanted.length === 0 || wanted.includes(d.name));
  const datasets: Dataset[] = specs
    .filter((s) => existsSync(join(dataDir, s.file)))
    .map((s) => {
      const path = join(dataDir, s.file);
      const { x, y } = loadCsv(path);
      return { ...s, path, x, y, folds: makeFolds(y, s.task, FOLDS, 0) };
    });
  for (const s of specs) if (!datasets.some((d) => d.name === s.name)) console.log(`ml-parity: ${s.file} missing in ${dataDir}; skipped`);

  const tmp = mkdtempSync(join(tmpdir(), 'ml-parity-'));
  const foldFile = join(tmp, 'folds.json');
  writeFileSync(
    foldFile,
    JSON.stringify({
      datasets: Object.fromEntries(datasets.map((d) => [d.name, { path: d.path, task: d.task, folds: d.folds.map((f) => Array.from(f)) }])),
    }),
  );
  const script = join(root, 'bench', 'ml-parity', 'sklearn_worker.py');
  const single = new SklearnWorker(script, foldFile, { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  const threadedEnv = { ...process.env };
  delete threadedEnv.OMP_NUM_THREADS;
  delete threadedEnv.OPENBLAS_NUM_THREADS;
  delete threadedEnv.MKL_NUM_THREADS;
  const threaded = new SklearnWorker(script, foldFile, threadedEnv);

  console.log(`ml-parity: scikit-learn ${version} (${PYTHON}) vs sluice/ml, ${FOLDS}-fold CV, fit times are means per fold`);
  const cells = new Map<string, Cell>();
  let parallelFit: { ours: number[]; single: number[] } | undefined;
  try {
    for (const ds of datasets) {
      for (const model of MODELS) {
        const cell: Cell = { ours: [], theirs: [], ourFit: [], theirFit: [], theirFitThreaded: [], ourIter: [], theirIter: [] };
        for (let fold = 0; fold < FOLDS; fold++) {
          // Alternate who goes first so slow drifts in machine load hit both sides alike.
          const theirsFirst = fold % 2 === 1;
          const theirs = theirsFirst ? await single.fit(ds.name, model, fold) : undefined;
          const ours = runOurs(ds, model, fold);
          const t = theirs ?? (await single.fit(ds.name, model, fold));
          cell.ours.push(ours.score);
          cell.ourFit.push(ours.fitSeconds);
          cell.theirs.push(t.score);
          cell.theirFit.push(t.fit_seconds);
          if (ours.nIter !== null) cell.ourIter.push(ours.nIter);
          if (t.n_iter !== null) cell.theirIter.push(t.n_iter);
          if (model === 'gb' && ds.name === BIG) cell.theirFitThreaded.push((await threaded.fit(ds.name, model, fold)).fit_seconds);
        }
        cells.set(`${ds.name}/${model}`, cell);
        process.stderr.write(`ml-parity: ${ds.name}/${model} done\n`);
      }
      if (ds.name === BIG) {
        // Our forest with 2 worker threads, for information (scikit-learn's stays at n_jobs=1).
        parallelFit = { ours: [], single: cells.get(`${ds.name}/rf`)!.ourFit };
        for (let fold = 0; fold < FOLDS; fold++) parallelFit.ours.push(runOurs(ds, 'rf', fold, 2).fitSeconds);
      }
    }
  } finally {
    single.close();
    threaded.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  report(datasets, cells, parallelFit);
  return targets(datasets, cells);
}

function fmtS(s: number): string {
  return s < 0.1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(3)} s`;
}

function report(datasets: readonly Dataset[], cells: Map<string, Cell>, parallelFit: { ours: number[]; single: number[] } | undefined): void {
  const header = ['dataset', 'model', 'metric', 'ours', 'sklearn', 'diff pp', 'our fit', 'sk fit 1-thr', 'ratio', 'sk fit default', 'iters ours/sk'];
  const rows: string[][] = [header];
  for (const ds of datasets) {
    for (const model of MODELS) {
      const c = cells.get(`${ds.name}/${model}`);
      if (!c) continue;
      const ours = mean(c.ours);
      const theirs = mean(c.theirs);
      rows.push([
        ds.name,
        model,
        ds.task === 'classification' ? 'accuracy' : 'R²',
        ours.toFixed(4),
        theirs.toFixed(4),
        ((ours - theirs) * 100).toFixed(2),
        fmtS(mean(c.ourFit)),
        fmtS(mean(c.theirFit)),
        `${(mean(c.ourFit) / mean(c.theirFit)).toFixed(2)}×`,
        c.theirFitThreaded.length ? fmtS(mean(c.theirFitThreaded)) : '',
        c.ourIter.length ? `${mean(c.ourIter).toFixed(0)}/${mean(c.theirIter).toFixed(0)}` : '',
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('');
  for (const [i, r] of rows.entries()) {
    console.log(r.map((v, j) => (j < 3 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('');
  for (const ds of datasets) {
    for (const model of MODELS) {
      const c = cells.get(`${ds.name}/${model}`);
      if (!c) continue;
      const metric = ds.task === 'classification' ? 'accuracy' : 'r2';
      const diff = (mean(c.ours) - mean(c.theirs)) * 100;
      console.log(`ml-parity/${ds.name}/${model} ${metric}: ${mean(c.ours).toFixed(4)} (${diff >= 0 ? '+' : ''}${diff.toFixed(2)} pp vs sklearn ${mean(c.theirs).toFixed(4)})`);
      console.log(
        `ml-parity/${ds.name}/${model} fit: ${fmtS(mean(c.ourFit))} (${(mean(c.ourFit) / mean(c.theirFit)).toFixed(2)}× sklearn single-thread ${fmtS(mean(c.theirFit))})`,
      );
      if (c.theirFitThreaded.length) {
        console.log(
          `ml-parity/${ds.name}/${model} fit vs threaded sklearn: ${fmtS(mean(c.ourFit))} (${(mean(c.ourFit) / mean(c.theirFitThreaded)).toFixed(2)}× sklearn default threads ${fmtS(mean(c.theirFitThreaded))})`,
        );
      }
    }
  }
  if (parallelFit) {
    console.log(
      `ml-parity/${BIG}/rf fit nJobs=2: ${fmtS(mean(parallelFit.ours))} (${(mean(parallelFit.ours) / mean(parallelFit.single)).toFixed(2)}× our nJobs=1 ${fmtS(mean(parallelFit.single))})`,
    );
  }
}

function targets(datasets: readonly Dataset[], cells: Map<string, Cell>): number {
  console.log('');
  let failed = 0;
  let total = 0;
  const check = (ok: boolean, text: string): void => {
    total++;
    if (!ok) failed++;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${text}`);
  };
  for (const ds of datasets) {
    if (ds.task !== 'classification') continue;
    for (const model of MODELS) {
      const c = cells.get(`${ds.name}/${model}`)!;
      const diff = (mean(c.ours) - mean(c.theirs)) * 100;
      check(Math.abs(diff) <= 1, `${ds.name}/${model} accuracy within 1 pp of sklearn: ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} pp`);
    }
  }
  if (datasets.some((d) => d.name === BIG)) {
    for (const model of MODELS) {
      const c = cells.get(`${BIG}/${model}`)!;
      const ratio = mean(c.ourFit) / mean(c.theirFit);
      check(ratio <= TIME_TARGETS[model], `${BIG}/${model} fit time ≤ ${TIME_TARGETS[model]}× sklearn single-thread: ${ratio.toFixed(2)}×`);
    }
  }
  console.log(`ml-parity: ${total - failed}/${total} targets pass`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('ml-parity failed:', error);
    process.exit(1);
  },
);
