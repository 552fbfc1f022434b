/**
 * Entry point of a pool worker process: loads the flow once, then runs tasks one after another
 * as the coordinator sends them (alone, or several per message for batched foreach steps).
 */
import { analyzeFlow } from '../../flow/graph.js';
import { openBlobStore, openLogStore } from '../../store/home.js';
import { loadFlowFile } from '../loader.js';
import { toErrorRecord, type FromWorker, type TaskOutcome, type TaskSpec, type ToWorker } from '../protocol.js';
import { foreachListNames, runTask, type TaskRunnerDeps } from '../task-runner.js';
import '../planner/context.js';
import '../../track/runtime.js';

let deps: TaskRunnerDeps | undefined;
let listNames = new Set<string>();
let queue: Promise<void> = Promise.resolve();

function send(message: FromWorker): void {
  process.send?.(message);
}

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  try {
    const { flow } = await loadFlowFile(message.run.flowFile);
    const graph = analyzeFlow(flow);
    deps = {
      flow,
      graph,
      run: message.run,
      blobs: openBlobStore(message.run.home),
      logs: openLogStore(message.run.home),
      onLog: (chunk) => send({ type: 'log', chunk }),
      onRecords: (taskId, attempt, records) => send({ type: 'records', taskId, attempt, records }),
    };
    listNames = foreachListNames(graph);
    send({ type: 'ready' });
  } catch (error) {
    send({ type: 'init-error', error: toErrorRecord(error, 'system') });
  }
}

/** Tasks of the current batch not yet begun, in order (a worker gets a batch only when idle). */
let pending: TaskSpec[] = [];

async function execute(spec: TaskSpec): Promise<TaskOutcome> {
  if (!deps) {
    const now = Date.now();
    return { ok: false, error: { type: 'WorkerError', message: 'worker received a task before init', kind: 'system' }, startedAt: now, endedAt: now };
  }
  return runTask(deps, spec, listNames);
}

/**
 * Runs a batch one task after another. Before each result goes back the event loop turns, so a
 * 'cancel' sent meanwhile is seen; the result then names the task that begins next, which is
 * how the coordinator learns when each batched task starts (no message of its own).
 */
async function runBatch(first: TaskSpec): Promise<void> {
  let spec: TaskSpec | undefined = first;
  while (spec) {
    const outcome = await execute(spec);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const next: TaskSpec | undefined = pending.shift();
    send({ type: 'result', taskId: spec.taskId, outcome, ...(next ? { next: next.taskId } : {}) });
    spec = next;
  }
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    queue = queue.then(() => init(message));
  } else if (message.type === 'task') {
    const spec = message.spec;
    queue = queue.then(async () => send({ type: 'result', taskId: spec.taskId, outcome: await execute(spec) }));
  } else if (message.type === 'batch') {
    const [first, ...rest] = message.specs;
    pending = rest;
    if (first) queue = queue.then(() => runBatch(first));
  } else if (message.type === 'cancel') {
    // Only tasks not yet begun can be cancelled; they go back unattempted.
    const ids = new Set(message.taskIds);
    const now = Date.now();
    for (const spec of pending.filter((p) => ids.has(p.taskId))) {
      const error = { type: 'Cancelled', message: 'cancelled before it began', kind: 'system' as const };
      send({ type: 'result', taskId: spec.taskId, outcome: { ok: false, error, startedAt: now, endedAt: now, notStarted: true } });
    }
    pending = pending.filter((p) => !ids.has(p.taskId));
  }
});

// The coordinator going away ends the worker.
process.on('disconnect', () => process.exit(0));
