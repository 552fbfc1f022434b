/**
 * `sluice dump <pathspec> [--artifact name] [--json] [--full]`:
 * a run → its summary, steps and end artifacts; a task (or a step with one task) → its
 * artifacts with type and size; `--artifact name` → that artifact's value, printed readably
 * (util.inspect) or as JSON.
 */
import type { Command } from 'commander';
import type { ArtifactInfo } from '../client/artifacts.js';
import { FlowHandle } from '../client/flow.js';
import { RunHandle } from '../client/run.js';
import { StepHandle } from '../client/step.js';
import type { TaskHandle } from '../client/task.js';
import {
  CliUsageError,
  formatBytes,
  formatDuration,
  formatTime,
  inspectValue,
  keyValues,
  preview,
  table,
  toJson,
  withClient,
  type CliContext,
} from './format.js';

/** Artifacts up to this size get a value preview in listings (bigger ones: `--artifact`). */
const PREVIEW_BYTES = 64 * 1024;

interface DumpOptions {
  artifact?: string;
  json?: boolean;
  full?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('dump')
    .description("print a run's summary and end artifacts, or a task's artifacts, or one artifact's value")
    .argument('<pathspec>', 'Flow/RunId, Flow/RunId/Step (one task) or Flow/RunId/Step/TaskId')
    .option('--artifact <name>', "print this artifact's value")
    .option('--json', 'print JSON')
    .option('--full', 'print the whole value (no truncation of long arrays, strings or deep objects)')
    .action(async (pathspec: string, options: DumpOptions) => {
      await withClient(context, async (client) => {
        const handle = await client.get(pathspec);
        if (handle instanceof FlowHandle) {
          throw new CliUsageError(`dump needs a run, step or task pathspec, got the flow '${pathspec}' (list its runs with: sluice runs ${pathspec})`);
        }
        let task: TaskHandle | undefined;
        if (handle instanceof RunHandle) {
          if (options.artifact === undefined) return dumpRun(context, handle, options);
          task = await handle.endTask();
          if (!task) throw new CliUsageError(`run ${handle.pathspec} has no end task (status ${handle.status}); name a task: Flow/RunId/Step/TaskId`);
        } else if (handle instanceof StepHandle) {
          if (handle.taskCount !== 1 && options.artifact === undefined) return dumpStep(context, handle, options);
          task = await handle.task();
        } else {
          task = handle;
        }
        if (options.artifact !== undefined) return dumpValue(context, await task.artifact(options.artifact), options);
        return dumpTask(context, task, options);
      });
    });
}

function dumpValue(context: CliContext, value: unknown, options: DumpOptions): void {
  context.out(`${options.json ? toJson(value) : inspectValue(value, options.full)}\n`);
}

/** Metadata plus, for small artifacts, the value (loaded). */
function artifactRows(artifacts: readonly ArtifactInfo[], load: (a: ArtifactInfo) => unknown, withFrom: boolean): string[][] {
  return artifacts.map((a) => {
    const value = a.bytes <= PREVIEW_BYTES ? preview(load(a)) : `(${formatBytes(a.bytes)}: use --artifact ${a.name})`;
    const from = a.inherited ? `${a.producerStep}/${a.producerTaskId}` : '(own)';
    return withFrom ? [a.name, a.type, formatBytes(a.bytes), from, value] : [a.name, a.type, formatBytes(a.bytes), value];
  });
}

function artifactJson(artifacts: readonly ArtifactInfo[], load: (a: ArtifactInfo) => unknown): Record<string, unknown>[] {
  // An inline value's raw encoded bytes are where it is stored, not what it is: `value` shows it.
  return artifacts.map((a) => {
    const { inline: _stored, ...info } = a;
    return { ...info, ...(a.bytes <= PREVIEW_BYTES ? { value: load(a) } : {}) };
  });
}

async function loader(task: TaskHandle): Promise<(a: ArtifactInfo) => unknown> {
  const data = await task.data();
  return (a) => data[a.name];
}

async function dumpRun(context: CliContext, run: RunHandle, options: DumpOptions): Promise<void> {
  const steps = await run.steps();
  const end = await run.endTask();
  const artifacts = end?.status === 'done' ? (await end.artifacts()).filter((a) => !a.inherited) : [];
  const load = end ? await loader(end) : () => undefined;
  if (options.json) {
    const data = { run: run.toJSON(), steps: steps.map((s) => s.toJSON()), end: end?.pathspec ?? null, artifacts: artifactJson(artifacts, load) };
    context.out(`${toJson(data)}\n`);
    return;
  }
  const t = run.timings;
  const pairs: [string, string][] = [
    ['status', run.status],
    ['user', run.user],
    ['started', formatTime(t.createdAt)],
    ['ended', run.finished ? `${formatTime(t.endedAt)} (${formatDuration(t.durationMs)})` : '-'],
    ['params', Object.entries(run.params).map(([k, v]) => `${k}=${preview(v, 40)}`).join(' ') || '-'],
    ['tags', run.tags.join(', ') || '-'],
    ['system tags', run.systemTags.join(', ')],
    ['flow file', run.flowFile],
  ];
  if (run.originRunId) pairs.push(['resumed from', run.originRunId]);
  if (run.error) pairs.push(['error', run.error]);
  const lines = [`Run ${run.pathspec}`, keyValues(pairs), '', 'Steps'];
  const stepRows = steps.map((s) => [s.name, String(s.taskCount), String(s.counts.done), String(s.counts.failed), String(s.counts.running + s.counts.pending)]);
  lines.push(indent(table(['step', 'tasks', 'done', 'failed', 'unfinished'], stepRows)), '');
  if (!end || end.status !== 'done') {
    lines.push(`No end artifacts: ${end ? `the end task is ${end.status}` : 'the run did not reach its end step'}.`);
  } else if (artifacts.length === 0) {
    lines.push(`End artifacts (${end.pathspec}): none`);
  } else {
    lines.push(`End artifacts (${end.pathspec})`, indent(table(['name', 'type', 'size', 'value'], artifactRows(artifacts, load, false))));
  }
  context.out(`${lines.join('\n')}\n`);
}

async function dumpStep(context: CliContext, step: StepHandle, options: DumpOptions): Promise<void> {
  const tasks = await step.taskList();
  if (options.json) {
    context.out(`${toJson({ step: step.toJSON(), tasks: tasks.map((t) => t.toJSON()) })}\n`);
    return;
  }
  const rows = tasks.map((t) => [String(t.id), t.status, t.index === undefined ? '-' : `${t.index}/${t.foreachStack.at(-1)!.count}`, formatDuration(t.timings.durationMs)]);
  context.out(`Step ${step.pathspec} (${tasks.length} tasks)\n${indent(table(['task', 'status', 'index', 'duration'], rows))}\n`);
}

async function dumpTask(context: CliContext, task: TaskHandle, options: DumpOptions): Promise<void> {
  const artifacts = await task.artifacts();
  const load = await loader(task);
  if (options.json) {
    context.out(`${toJson({ task: task.toJSON(), artifacts: artifactJson(artifacts, load) })}\n`);
    return;
  }
  const t = task.timings;
  const pairs: [string, string][] = [
    ['status', `${task.status} (attempt ${task.attempt})`],
    ['worker', task.workerId ?? '-'],
    ['queued', formatTime(t.queuedAt)],
    ['ran', t.startedAt === null ? '-' : `${formatTime(t.startedAt)} for ${formatDuration(t.durationMs)}`],
    ['parents', task.parentIds.length === 0 ? '-' : task.parentIds.length > 5 ? `${task.parentIds.length} tasks` : task.parentIds.join(', ')],
  ];
  for (const frame of task.splitStack) {
    pairs.push([
      frame.kind,
      frame.kind === 'foreach'
        ? `${frame.step}[${frame.index}] of ${frame.count}, item ${preview(frame.item, 40)}`
        : `${frame.step} (branch ${frame.index + 1} of ${frame.count} from ${frame.splitStep})`,
    ]);
  }
  if (task.error) pairs.push(['error', `${task.error.type}: ${task.error.message}`]);
  const lines = [`Task ${task.pathspec}`, keyValues(pairs), ''];
  if (artifacts.length === 0) lines.push(`Artifacts: none${task.status === 'done' ? '' : ` (the task is ${task.status})`}`);
  else lines.push('Artifacts', indent(table(['name', 'type', 'size', 'from', 'value'], artifactRows(artifacts, load, true))));
  context.out(`${lines.join('\n')}\n`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
