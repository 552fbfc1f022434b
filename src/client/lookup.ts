/**
 * Pathspec lookups against the metadata store. Every miss says which part is wrong and what
 * exists instead (flows, latest runs, steps that ran, the task id range).
 */
import type { FlowRecord, RunRecord, TaskRecord } from '../store/types.js';
import { PathspecError } from './errors.js';
import { LATEST, formatPathspec } from './pathspec.js';
import type { Session } from './session.js';

const SHOWN = 5;

function list(names: readonly string[], none = 'none'): string {
  if (names.length === 0) return none;
  return names.length > SHOWN ? `${names.slice(0, SHOWN).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/** The flow's record; throws naming the flows that exist. */
export async function findFlow(session: Session, name: string, asked = name): Promise<FlowRecord> {
  const flows = await session.meta.listFlows();
  const found = flows.find((f) => f.name === name);
  if (!found) {
    const near = flows.find((f) => f.name.toLowerCase() === name.toLowerCase());
    const hint = near ? ` (did you mean '${near.name}'?)` : '';
    throw new PathspecError(asked, `no flow '${name}' in ${session.home}${hint}; flows: ${list(flows.map((f) => f.name), 'none yet')}`);
  }
  return found;
}

/** The run's record (`latest` = the flow's newest run); throws naming the flow's latest runs. */
export async function findRun(session: Session, flow: string, runId: string, asked = formatPathspec(flow, runId)): Promise<RunRecord> {
  if (runId === LATEST) {
    await findFlow(session, flow, asked);
    const [newest] = await session.meta.listRuns({ flow, limit: 1 });
    if (!newest) throw new PathspecError(asked, `flow '${flow}' has no runs`);
    return newest;
  }
  const run = await session.meta.getRun(runId);
  if (run && run.flow === flow) return run;
  if (run) throw new PathspecError(asked, `run ${runId} belongs to flow '${run.flow}', not '${flow}': use ${run.flow}/${runId}`);
  await findFlow(session, flow, asked);
  const recent = await session.meta.listRuns({ flow, limit: SHOWN });
  throw new PathspecError(asked, `flow '${flow}' has no run '${runId}'; latest runs: ${list(recent.map((r) => r.runId))}`);
}

/** Names of the steps that have tasks in a run, in the order their first task was created. */
export async function stepsOf(session: Session, runId: string): Promise<string[]> {
  const counts = await session.meta.countTasks(runId);
  const firsts = await Promise.all(
    Object.keys(counts).map(async (step) => {
      const [first] = await session.meta.listTasks(runId, { step, limit: 1 });
      return { step, first: first?.taskId ?? Infinity };
    }),
  );
  return firsts.sort((a, b) => a.first - b.first).map((s) => s.step);
}

/** Checks that a step has tasks in the run; throws naming the steps that ran. */
export async function checkStep(session: Session, run: RunRecord, step: string, asked = formatPathspec(run.flow, run.runId, step)): Promise<void> {
  const [first] = await session.meta.listTasks(run.runId, { step, limit: 1 });
  if (first) return;
  const steps = await stepsOf(session, run.runId);
  throw new PathspecError(asked, `run ${run.flow}/${run.runId} has no step '${step}' (steps that ran: ${list(steps)})`);
}

/** The task's record; when `step` is given the task must belong to it. */
export async function findTask(session: Session, run: RunRecord, taskId: number, step?: string, asked?: string): Promise<TaskRecord> {
  const where = `${run.flow}/${run.runId}`;
  const pathspec = asked ?? formatPathspec(run.flow, run.runId, step, taskId);
  const task = await session.meta.getTask(run.runId, taskId);
  if (task && (step === undefined || task.step === step)) return task;
  if (task) {
    if (step !== undefined) await checkStep(session, run, step, pathspec);
    throw new PathspecError(pathspec, `task ${taskId} of run ${where} is in step '${task.step}', not '${step}': use ${where}/${task.step}/${taskId}`);
  }
  if (step !== undefined) await checkStep(session, run, step, pathspec);
  const scope = step === undefined ? await session.meta.listTasks(run.runId) : await session.meta.listTasks(run.runId, { step });
  const ids = scope.map((t) => t.taskId);
  const range = ids.length === 0 ? 'it has no tasks' : `task ids ${ranges(ids)}`;
  throw new PathspecError(pathspec, `${step === undefined ? `run ${where}` : `step ${where}/${step}`} has no task ${taskId} (${range})`);
}

/** `1-3, 7, 9-12` for sorted ids (at most a few ranges). */
function ranges(ids: readonly number[]): string {
  const out: string[] = [];
  let start = ids[0]!;
  let prev = start;
  for (const id of [...ids.slice(1), NaN]) {
    if (id === prev + 1) {
      prev = id;
      continue;
    }
    out.push(start === prev ? String(start) : `${start}-${prev}`);
    start = id;
    prev = id;
  }
  return out.length > SHOWN ? `${out.slice(0, SHOWN).join(', ')}, …` : out.join(', ');
}
