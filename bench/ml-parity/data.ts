/**
 * Datasets and folds for the ml-parity benchmark: CSVs from ../shared/datasets (last column is the
 * target) and 5-fold splits made once, stratified by class for classification, written to a JSON
 * file that the scikit-learn side reads so both sides use exactly the same rows.
 */
import { readFileSync } from 'node:fs';
import { Matrix } from '../../src/ml/core/matrix.js';
import { Random } from '../../src/ml/core/random.js';

export type Task = 'classification' | 'regression';

export interface DatasetSpec {
  readonly name: string;
  readonly file: string;
  readonly task: Task;
}

export const DATASETS: readonly DatasetSpec[] = [
  { name: 'iris', file: 'iris.csv', task: 'classification' },
  { name: 'wine', file: 'wine.csv', task: 'classification' },
  { name: 'breast_cancer', file: 'breast_cancer.csv', task: 'classification' },
  { name: 'digits', file: 'digits.csv', task: 'classification' },
  { name: 'diabetes', file: 'diabetes.csv', task: 'regression' },
  { name: 'make_classification_20k', file: 'make_classification_20k.csv', task: 'classification' },
];

export interface Dataset extends DatasetSpec {
  readonly path: string;
  readonly x: Matrix;
  readonly y: Float64Array;
  /** Test-row indices of each fold. */
  readonly folds: Int32Array[];
}

/** Parses a numeric CSV with a header row; the last column is the target. */
export function loadCsv(path: string): { x: Matrix; y: Float64Array } {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const cols = lines[0]!.split(',').length - 1;
  const rows = lines.length - 1;
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1]!.split(',');
    if (cells.length !== cols + 1) throw new Error(`${path}: line ${r + 2} has ${cells.length} cells, expected ${cols + 1}`);
    for (let c = 0; c < cols; c++) data[r * cols + c] = Number(cells[c]);
    y[r] = Number(cells[cols]);
  }
  return { x: new Matrix(rows, cols, data), y };
}

/**
 * k folds of test indices. Classification: each class is shuffled and dealt round-robin over the
 * folds (continuing where the previous class stopped), so every fold has the class proportions.
 * Regression: one shuffled deal.
 */
export function makeFolds(y: Float64Array, task: Task, k: number, seed: number): Int32Array[] {
  const rng = new Random(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const key = task === 'classification' ? y[i]! : 0;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    for (const i of rng.shuffle(groups.get(key)!)) {
      folds[next]!.push(i);
      next = (next + 1) % k;
    }
  }
  return folds.map((f) => Int32Array.from(f.sort((a, b) => a - b)));
}

/** Splits a dataset into the training and test rows of one fold. */
export function foldSplit(ds: Dataset, fold: number): { xTrain: Matrix; yTrain: Float64Array; xTest: Matrix; yTest: Float64Array } {
  const test = ds.folds[fold]!;
  const isTest = new Uint8Array(ds.y.length);
  for (const i of test) isTest[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < ds.y.length; i++) if (!isTest[i]) train.push(i);
  return {
    xTrain: ds.x.takeRows(train),
    yTrain: Float64Array.from(train, (i) => ds.y[i]!),
    xTest: ds.x.takeRows(test),
    yTest: Float64Array.from(test, (i) => ds.y[i]!),
  };
}
