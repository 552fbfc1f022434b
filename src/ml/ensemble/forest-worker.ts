/**
 * Worker-thread entry for parallel forest training. Claims tree indices from a shared counter
 * (work stealing, shared with the main thread), builds each tree and posts it back; the main
 * thread waits on the shared "done" counter, so `fit()` stays synchronous.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { buildForestTree, treeBuffers, type ForestJob } from './forest-job.js';

interface ForestWorkerData {
  readonly job: ForestJob;
  /** [next tree to claim, trees finished] */
  readonly control: Int32Array;
  readonly port: MessagePort;
}

const { job, control, port } = workerData as ForestWorkerData;
const nTrees = job.seeds.length;
for (;;) {
  const index = Atomics.add(control, 0, 1);
  if (index >= nTrees) break;
  try {
    const tree = buildForestTree(job, index);
    port.postMessage({ index, tree }, treeBuffers(tree));
  } catch (error) {
    port.postMessage({ index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  // Post before counting, so every counted tree is already waiting on the port.
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}
port.close();
