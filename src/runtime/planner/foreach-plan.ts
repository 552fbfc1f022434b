/**
 * Plans a foreach step without running the flow (`sluice plan flow.ts --step STEP`).
 *
 * The foreach needs its items, which upstream steps compute. Two sources:
 *  - a dry run (default): the upstream steps run inline, in this process, against a throwaway
 *    store (nothing is recorded in the real one); the walk stops as soon as the foreach's tasks
 *    exist, and a few of them (spread over the list) run to measure the step per item;
 *  - a previous run (`--from`): the recorded stats of that run's tasks of the step, all of them,
 *    and no code runs at all.
 * Either way the measurements go to {@link planBatch}, which sizes batches for `batch: 'auto'`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flow } from '../../flow/builder.js';
import type { FlowGraph } from '../../flow/graph.js';
import { openBlobStore, openLogStore } from '../../store/home.js';
import type { TaskRecord, TaskStats } from '../../store/types.js';
import type { ArtifactMap, RunInfo } from '../protocol.js';
import { GraphWalker, type PlannedTask } from '../scheduler.js';
import { foreachListNames, runTask } from '../task-runner.js';
import { planBatch, stepCostFromStats, type BatchPlan } from './batch.js';
import { fmtBytes, fmtMs } from './explain.js';
import { spreadIndices } from './sample.js';

export interface ForeachPlan {
  readonly flow: string;
  readonly step: string;
  readonly source: { readonly kind: 'dry run'; readonly upstreamTasks: number; readonly upstreamMs: number } | { readonly kind: 'run'; readonly pathspec: string };
  readonly items: number;
  /** Items whose cost was measured. */
  readonly measured: number;
  readonly itemMs: number;
  readonly cv: number;
  readonly itemBytes: number;
  readonly resultBytes: number;
  /** Largest peak RSS seen while the measured items ran (the process's, not the item's alone). */
  readonly peakRssBytes: number;
  readonly workers: number;
  readonly batch: Omit<BatchPlan, 'explain'>;
  /** Nested foreach: the plan covers the first instance of the step. */
  readonly note: string | null;
}

export class ForeachPlanError extends Error {
  override readonly name = 'ForeachPlanError';
}

/** Checks the step is a foreach of the flow; throws naming the foreach steps otherwise. */
export function checkForeachStep(graph: FlowGraph, step: string): void {
  const node = graph.steps.get(step);
  const foreachSteps = [...graph.steps.values()].filter((s) => s.kind === 'foreach').map((s) => s.name);
  if (!node) throw new ForeachPlanError(`flow ${graph.flow} has no step '${step}' (foreach steps: ${foreachSteps.join(', ') || 'none'})`);
  if (node.kind !== 'foreach') {
    throw new ForeachPlanError(
      `step '${step}' is a ${node.kind}, not a foreach: plan a foreach (${foreachSteps.join(', ') || 'this flow has none'}); a map inside a step explains itself with ctx.map(items, fn, { explain: true })`,
    );
  }
}

/** Whether the step's transition can enter `target` directly. */
function leadsTo(graph: FlowGraph, from: string, target: string): boolean {
  const t = graph.steps.get(from)?.transition;
  if (!t) return false;
  if (t.type === 'linear') return t.target === target;
  if (t.type === 'branch') return t.targets.includes(target);
  if (t.type === 'switch') return Object.values(t.cases).includes(target);
  return false;
}

/** Runs the flow inline from `start` until the foreach's tasks exist; returns them and the store they read. */
async function upstream(flow: Flow<any, any, any>, graph: FlowGraph, run: RunInfo, step: string): Promise<{ tasks: PlannedTask[]; ran: number; ms: number }> {
  const blobs = openBlobStore(run.home);
  const deps = { flow, graph, run, blobs, logs: openLogStore(run.home), onLog: () => {}, onRecords: () => {} };
  const listNames = foreachListNames(graph);
  const walker = new GraphWalker(graph, blobs);
  const queue: PlannedTask[] = [walker.start()];
  const started = performance.now();
  let ran = 0;
  while (queue.length > 0) {
    const task = queue.shift()!;
    const outcome = await runTask(deps, { step: task.step, taskId: task.taskId, attempt: 0, artifacts: task.artifacts, stack: task.stack, joinInputs: task.joinInputs }, listNames);
    ran++;
    if (!outcome.ok) {
      throw new ForeachPlanError(`upstream step '${task.step}' failed while computing the items of '${step}': ${outcome.error.type}: ${outcome.error.message}`);
    }
    const visible: ArtifactMap = task.joinInputs ? outcome.outputs : { ...task.artifacts, ...outcome.outputs };
    const next = walker.next({ taskId: task.taskId, step: task.step, stack: task.stack, loops: task.loops, visible });
    const mine = next.filter((t) => t.step === step);
    if (mine.length > 0) return { tasks: mine, ran, ms: performance.now() - started };
    // An empty foreach goes straight to its join: nothing to plan.
    const join = graph.splits.get(`foreach:${step}`)?.join;
    const emptyJoin = next.some((t) => t.step === join && (t.joinInputs?.length ?? 0) === 0 && t.parents.includes(task.taskId));
    if (emptyJoin && leadsTo(graph, task.step, step)) return { tasks: [], ran, ms: performance.now() - started };
    queue.push(...next);
  }
  throw new ForeachPlanError(`the flow ended without reaching foreach '${step}' (a switch took another path?)`);
}

export interface DryRunOptions {
  readonly flow: Flow<any, any, any>;
  readonly graph: FlowGraph;
  readonly flowFile: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly step: string;
  readonly sample?: number;
  readonly workers: number;
  readonly taskOverheadMs?: number;
}

/** Plans a foreach by running its upstream steps inline in a throwaway store and timing a few items. */
export async function planForeachByDryRun(options: DryRunOptions): Promise<ForeachPlan> {
  checkForeachStep(options.graph, options.step);
  const home = mkdtempSync(join(tmpdir(), 'sluice-plan-'));
  try {
    const run: RunInfo = { flow: options.flow.name, runId: 'dryrun', user: 'planner', tags: [], originRunId: null, home, flowFile: options.flowFile, params: options.params };
    const up = await upstream(options.flow, options.graph, run, options.step);
    const n = up.tasks.length;
    const k = Math.min(options.sample ?? 5, n);
    const picks = [...spreadIndices(n)].slice(0, k).map((i) => up.tasks[i]!);
    const deps = { flow: options.flow, graph: options.graph, run, blobs: openBlobStore(home), logs: openLogStore(home), onLog: () => {}, onRecords: () => {} };
    const stats: TaskStats[] = [];
    for (const t of picks) {
      const outcome = await runTask(deps, { step: t.step, taskId: t.taskId, attempt: 0, artifacts: t.artifacts, stack: t.stack }, foreachListNames(options.graph));
      if (!outcome.ok) {
        const index = t.stack[t.stack.length - 1]?.index;
        throw new ForeachPlanError(`foreach '${options.step}' failed on item ${index} during the dry run: ${outcome.error.type}: ${outcome.error.message}`);
      }
      if (outcome.stats) stats.push(outcome.stats);
    }
    // A task's own wall time in-process: context, item load, user code, result store (no pool IPC).
    const cost = stepCostFromStats(stats.map((s) => ({ ...s, userMs: s.wallMs })));
    const frames = up.tasks.map((t) => t.stack[t.stack.length - 1]);
    const itemBytes = frames.reduce((s, f) => s + (f?.item?.bytes ?? 0), 0) / Math.max(1, n);
    const nested = up.tasks[0] && up.tasks[0].stack.filter((f) => f.kind === 'foreach').length > 1;
    return finish(options, {
      source: { kind: 'dry run', upstreamTasks: up.ran, upstreamMs: up.ms },
      items: n,
      measured: stats.length,
      itemMs: cost?.itemMs ?? 0,
      cv: cost?.cv ?? 0,
      cvKnown: stats.length >= 2,
      itemBytes,
      resultBytes: cost?.resultBytes ?? 0,
      peakRssBytes: Math.max(0, ...stats.map((s) => s.peakRssBytes)),
      note: nested ? `'${options.step}' is nested in another foreach: this plans its first instance` : null,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Plans a foreach from a previous run's recorded tasks of the step (no code runs). */
export function planForeachFromRun(options: { flow: string; step: string; pathspec: string; tasks: readonly TaskRecord[]; workers: number; taskOverheadMs?: number }): ForeachPlan {
  const mine = options.tasks.filter((t) => t.step === options.step && t.status === 'done');
  if (mine.length === 0) throw new ForeachPlanError(`run ${options.pathspec} has no finished tasks of step '${options.step}' to plan from`);
  // A recorded task's wall time includes what a batch would still pay per item (load, user code, store).
  const cost = stepCostFromStats(mine.map((t) => (t.stats ? { ...t.stats, userMs: t.stats.wallMs } : null)));
  if (!cost) throw new ForeachPlanError(`run ${options.pathspec} recorded no stats for step '${options.step}' (it predates task stats); plan with a dry run instead`);
  const splitTasks = new Set(mine.map((t) => t.foreachStack[t.foreachStack.length - 1]?.splitTaskId));
  const first = [...splitTasks][0];
  const oneSplit = mine.filter((t) => t.foreachStack[t.foreachStack.length - 1]?.splitTaskId === first);
  const itemBytes = oneSplit.reduce((s, t) => s + (t.foreachStack[t.foreachStack.length - 1]?.item?.bytes ?? 0), 0) / oneSplit.length;
  return finish(
    { step: options.step, workers: options.workers, taskOverheadMs: options.taskOverheadMs, flowName: options.flow },
    {
      source: { kind: 'run', pathspec: options.pathspec },
      items: oneSplit.length,
      measured: cost.items,
      itemMs: cost.itemMs,
      cv: cost.cv,
      cvKnown: cost.items >= 2,
      itemBytes,
      resultBytes: cost.resultBytes,
      peakRssBytes: Math.max(0, ...mine.map((t) => t.stats?.peakRssBytes ?? 0)),
      note: splitTasks.size > 1 ? `'${options.step}' ran ${splitTasks.size} times (nested foreach): items per instance from the first, costs from all` : null,
    },
  );
}

interface Measured {
  readonly source: ForeachPlan['source'];
  readonly items: number;
  readonly measured: number;
  readonly itemMs: number;
  readonly cv: number;
  readonly cvKnown: boolean;
  readonly itemBytes: number;
  readonly resultBytes: number;
  readonly peakRssBytes: number;
  readonly note: string | null;
}

function finish(options: { step: string; workers: number; taskOverheadMs?: number; flow?: Flow<any, any, any>; flowName?: string }, m: Measured): ForeachPlan {
  const batch = planBatch({
    count: m.items,
    itemMs: m.itemMs,
    cv: m.cvKnown ? m.cv : undefined,
    workers: options.workers,
    itemBytes: m.itemBytes,
    resultBytes: m.resultBytes,
    taskOverheadMs: options.taskOverheadMs,
  });
  const { explain: _explain, ...data } = batch;
  return { flow: options.flow?.name ?? options.flowName ?? '?', step: options.step, ...m, workers: options.workers, batch: data };
}

/** Short or full text of a foreach plan. */
export function describeForeachPlan(p: ForeachPlan, explain: boolean): string {
  const lines: string[] = [];
  const source =
    p.source.kind === 'dry run'
      ? `upstream ran inline in a throwaway store (${p.source.upstreamTasks} task${p.source.upstreamTasks === 1 ? '' : 's'}, ${fmtMs(p.source.upstreamMs)}); ${p.measured} of ${p.items} items timed`
      : `from run ${p.source.pathspec}: ${p.measured} recorded tasks`;
  lines.push(
    `foreach '${p.step}' of ${p.flow}: ${p.items} items, ${fmtMs(p.itemMs)} per item → batches of ${p.batch.batchSize} (${p.batch.tasks} tasks) on ${p.workers} worker${p.workers === 1 ? '' : 's'}, estimated ${fmtMs(p.batch.totalMs)} (${p.batch.speedup.toFixed(2)}× vs one item per task)`,
  );
  if (!explain) return lines.join('\n');
  lines.push(`  measured: ${source}`);
  lines.push(
    `    per item ${fmtMs(p.itemMs)} (cv ${p.cv.toFixed(2)}${p.measured >= 2 ? '' : ', assumed'}), item ${fmtBytes(p.itemBytes)}, result ${fmtBytes(p.resultBytes)}${
      p.peakRssBytes ? `; process peak ${fmtBytes(p.peakRssBytes)}` : ''
    }`,
  );
  lines.push(`  why: ${p.batch.reasons.join('; ')}`);
  lines.push(`  one item per task: ${fmtMs(p.batch.unbatchedMs)}; all items in one task: ${fmtMs(p.items * p.itemMs)}`);
  if (p.batch.alternatives.length) {
    lines.push('  rejected:');
    for (const a of p.batch.alternatives) lines.push(`    batches of ${String(a.batchSize).padEnd(8)} ${fmtMs(a.totalMs).padStart(9)}  ${a.reason}`);
  }
  if (p.note) lines.push(`  note: ${p.note}`);
  return lines.join('\n');
}
