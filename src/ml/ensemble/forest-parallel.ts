/**
 * Builds the trees of a forest on the main thread plus `nJobs - 1` worker threads.
 *
 * Every tree has its own seed, and all threads claim tree indices from one shared atomic counter,
 * so the result does not depend on the number of threads or on their timing. The main thread
 * builds trees too and then blocks (Atomics.wait) until the workers' trees arrive, which keeps
 * `fit()` synchronous. If a worker cannot start, the main thread simply builds every tree itself.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { ParamError, MLError } from '../core/errors.js';
import type { TreeState } from '../tree/tree-arrays.js';
import { buildForestTree, type ForestJob } from './forest-job.js';

/** `nJobs`: a positive thread count, or -1 for one per available core. */
export function resolveJobs(owner: string, nJobs: number): number {
  if (nJobs === -1) return Math.max(1, availableParallelism());
  if (!Number.isInteger(nJobs) || nJobs < 1) {
    throw new ParamError(`${owner}: nJobs must be a positive integer or -1 (all cores), got ${String(nJobs)}`);
  }
  return nJobs;
}

/**
 * How to start the worker. Compiled, this module is .js and the worker is a plain module. Under tsx
 * (tests, benchmarks) it is .ts, and Node 20 workers do not inherit tsx's loader hooks, so a tiny
 * bootstrap registers tsx in the worker before importing the .ts entry.
 */
function workerEntry(): { entry: string | URL; eval: boolean } | undefined {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./forest-worker.js', import.meta.url), eval: false };
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined; // another TypeScript loader: build on the main thread only
  }
  const file = new URL('./forest-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`;
  return { entry: code, eval: true };
}

interface TreeMessage {
  readonly index: number;
  readonly tree?: TreeState;
  readonly error?: string;
}

/** Builds all trees of `job` with up to `nJobs` threads; returns them in tree order. */
export function buildForest(owner: string, job: ForestJob, nJobs: number): TreeState[] {
  const nTrees = job.seeds.length;
  const trees: (TreeState | undefined)[] = new Array<TreeState | undefined>(nTrees);
  const nWorkers = Math.min(nJobs, nTrees) - 1;
  if (nWorkers <= 0) {
    for (let i = 0; i < nTrees; i++) trees[i] = buildForestTree(job, i);
    return trees as TreeState[];
  }

  const control = new Int32Array(new SharedArrayBuffer(8));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  const start = workerEntry();
  for (let w = 0; start && w < nWorkers; w++) {
    const { port1, port2 } = new MessageChannel();
    try {
      const worker = new Worker(start.entry, { eval: start.eval, workerData: { job, control, port: port2 }, transferList: [port2] });
      // A worker that fails to start never claims a tree; the main thread builds its share.
      worker.on('error', () => {});
      worker.unref();
      workers.push(worker);
      ports.push(port1);
    } catch {
      port1.close(); // the main thread will build this worker's share
    }
  }

  const errors: string[] = [];
  const drain = (): void => {
    for (const port of ports) {
      for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
        const m = msg.message as TreeMessage;
        if (m.error !== undefined) errors.push(`tree ${m.index}: ${m.error}`);
        else trees[m.index] = m.tree;
      }
    }
  };
  try {
    for (;;) {
      const index = Atomics.add(control, 0, 1);
      if (index >= nTrees) break;
      trees[index] = buildForestTree(job, index);
      Atomics.add(control, 1, 1);
    }
    for (;;) {
      const done = Atomics.load(control, 1);
      if (done >= nTrees) break;
      Atomics.wait(control, 1, done, 100);
    }
    drain();
  } finally {
    for (const port of ports) port.close();
    for (const worker of workers) void worker.terminate();
  }
  if (errors.length > 0) throw new MLError(`${owner}: a worker thread failed while building ${errors[0]}`);
  for (let i = 0; i < nTrees; i++) {
    if (!trees[i]) throw new MLError(`${owner}: tree ${i} was not returned by its worker thread`);
  }
  return trees as TreeState[];
}
