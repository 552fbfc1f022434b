/**
 * Entry point of a pool worker process: loads the flow once, then runs tasks one after another
 * as the coordinator sends them.
 */
import { analyzeFlow } from '../../flow/graph.js';
import { openBlobStore, openLogStore } from '../../store/home.js';
import { loadFlowFile } from '../loader.js';
import { toErrorRecord, type FromWorker, type ToWorker } from '../protocol.js';
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

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    queue = queue.then(() => init(message));
  } else if (message.type === 'task') {
    const spec = message.spec;
    queue = queue.then(async () => {
      if (!deps) {
        send({
          type: 'result',
          taskId: spec.taskId,
          outcome: { ok: false, error: { type: 'WorkerError', message: 'worker received a task before init', kind: 'system' }, startedAt: Date.now(), endedAt: Date.now() },
        });
        return;
      }
      const outcome = await runTask(deps, spec, listNames);
      send({ type: 'result', taskId: spec.taskId, outcome });
    });
  }
});

// The coordinator going away ends the worker.
process.on('disconnect', () => process.exit(0));
