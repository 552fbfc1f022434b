/**
 * The five algorithms of the example and one measured training run: fit time, predict time,
 * CPU time, peak memory and test accuracy.
 */
import { availableParallelism } from 'node:os';
import {
  GradientBoostingClassifier,
  LogisticRegression,
  MLPClassifier,
  RandomForestClassifier,
  SGDClassifier,
  accuracy,
  type Classifier,
  type Matrix,
} from 'sluice/ml';
import { startMemoryMeter } from './memory.js';

export const ALGORITHMS = ['lr', 'svm', 'rf', 'gb', 'mlp'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const ALGORITHM_NAMES: Readonly<Record<Algorithm, string>> = {
  lr: 'LogisticRegression',
  svm: 'linear SVM (SGD, hinge)',
  rf: 'RandomForest',
  gb: 'GradientBoosting',
  mlp: 'MLP',
};

/** Threads the forest builds trees on; its step declares the same number of CPUs. */
export const FOREST_CPUS = Math.min(2, availableParallelism());

export interface ModelSettings {
  /** Trees in the random forest. */
  readonly trees: number;
  readonly seed: number;
}

/** A fresh, unfitted model for an algorithm. */
export function makeModel(algo: Algorithm, settings: ModelSettings): Classifier {
  const seed = settings.seed;
  switch (algo) {
    case 'lr':
      return new LogisticRegression({ C: 1 });
    case 'svm':
      return new SGDClassifier({ loss: 'hinge', alpha: 1e-4, seed });
    case 'rf':
      return new RandomForestClassifier({ nEstimators: settings.trees, nJobs: FOREST_CPUS, seed });
    case 'gb':
      return new GradientBoostingClassifier({ maxIter: 100, learningRate: 0.1, seed });
    case 'mlp':
      return new MLPClassifier({ hiddenLayerSizes: [64], earlyStopping: true, seed });
  }
}

/** What one (algorithm × size) task measured. Times in seconds, memory in MiB. */
export interface TrainResult {
  readonly algo: Algorithm;
  /** Rows of the whole dataset (80% train, 20% test). */
  readonly rows: number;
  readonly accuracy: number;
  readonly fitSeconds: number;
  readonly predictSeconds: number;
  /** CPU time of the whole process while fitting (all threads). */
  readonly cpuSeconds: number;
  /** Peak resident set of the worker during the task, data loading included. */
  readonly peakRssMiB: number;
  /** Resident set of the worker when the task started. */
  readonly startRssMiB: number;
  /** Whether the peak is this task's own (see memory.ts). */
  readonly peakExact: boolean;
}

export interface TrainData {
  readonly rows: number;
  readonly xTrain: Matrix;
  readonly yTrain: Int32Array;
  readonly xTest: Matrix;
  readonly yTest: Int32Array;
}

/**
 * Trains and scores one algorithm, measuring as it goes. `data` is read inside the meter, so
 * loading the (lazy) artifacts counts towards the peak: it is memory the task needs.
 */
export function trainMeasured(algo: Algorithm, data: () => TrainData, settings: ModelSettings): TrainResult {
  const memory = startMemoryMeter();
  const { rows, xTrain, yTrain, xTest, yTest } = data();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const model = makeModel(algo, settings).fit(xTrain, yTrain);
  const fitted = performance.now();
  const used = process.cpuUsage(cpu);
  const predicted = model.predict(xTest);
  const predictSeconds = (performance.now() - fitted) / 1000;
  const mem = memory();
  return {
    algo,
    rows,
    accuracy: accuracy(yTest, predicted),
    fitSeconds: (fitted - started) / 1000,
    predictSeconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMiB: mem.peakMiB,
    startRssMiB: mem.startMiB,
    peakExact: mem.exact,
  };
}
