/**
 * Runs tasks one at a time in the coordinator's own process, so a debugger's breakpoints in step
 * code work (`sluice run flow.ts --executor inline`).
 */
import type { Executor, TaskOutcome, TaskSpec } from '../protocol.js';
import { foreachListNames, runTask, type TaskRunnerDeps } from '../task-runner.js';

export class InlineExecutor implements Executor {
  readonly name = 'inline';
  private busy = false;
  private readonly listNames: Set<string>;

  constructor(private readonly deps: TaskRunnerDeps) {
    this.listNames = foreachListNames(deps.graph);
  }

  idle(): number {
    return this.busy ? 0 : 1;
  }

  async submit(spec: TaskSpec): Promise<TaskOutcome & { workerId: string }> {
    this.busy = true;
    try {
      const outcome = await runTask(this.deps, spec, this.listNames);
      return { ...outcome, workerId: `inline-${process.pid}` };
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {}
}
