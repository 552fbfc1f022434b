/**
 * Runs one task attempt in the current process: builds the context, calls the step function with
 * its output captured, stores the outputs (big ones in the blob store, small ones inline in their
 * pointers, see values.ts), and reports the outcome. Used by both
 * the inline executor and pool workers.
 */
import type { Flow } from '../flow/builder.js';
import type { FlowGraph } from '../flow/graph.js';
import { matchesRetryOn } from '../flow/options.js';
import { CodecError } from '../store/codecs.js';
import type { ArtifactStore, LogStore, LogWriter } from '../store/types.js';
import { storeItems, storeValue, type StoredValue } from '../store/values.js';
import { withCapture } from './capture.js';
import { buildContext, RESERVED_NAMES } from './context.js';
import { TaskMeter } from './measure.js';
import {
  toErrorRecord,
  type ArtifactMap,
  type RunInfo,
  type TaskLogChunk,
  type TaskFailure,
  type TaskOutcome,
  type TaskRecordEvent,
  type TaskSpec,
} from './protocol.js';
import { RecordBuffer } from './records.js';

export interface TaskRunnerDeps {
  readonly flow: Flow<any, any, any>;
  readonly graph: FlowGraph;
  readonly run: RunInfo;
  readonly blobs: ArtifactStore;
  readonly logs: LogStore;
  /** Live output (to the coordinator's terminal). */
  readonly onLog: (chunk: TaskLogChunk) => void;
  /** Batched side-channel records (metrics, params...) of one attempt. */
  readonly onRecords: (taskId: number, attempt: number, records: readonly TaskRecordEvent[]) => void;
}

/**
 * Adds context members beyond the runtime's own (tracking's `log`, ...), given the task and an
 * `emit` for side-channel records. Registered once per process by the modules that provide them.
 */
export type ContextExtension = (base: Record<string, unknown>, task: { run: RunInfo; spec: TaskSpec; emit: (kind: string, data: unknown) => void }) => void;

const extensions: ContextExtension[] = [];

export function registerContextExtension(extension: ContextExtension): void {
  extensions.push(extension);
}

/** Names that some foreach fans out over: lists under these names are stored item by item. */
export function foreachListNames(graph: FlowGraph): Set<string> {
  return new Set([...graph.steps.values()].flatMap((s) => (s.over ? [s.over] : [])));
}

export async function runTask(deps: TaskRunnerDeps, spec: TaskSpec, listNames: Set<string>): Promise<TaskOutcome> {
  const startedAt = Date.now();
  const meter = new TaskMeter();
  const node = deps.graph.steps.get(spec.step);
  if (!node) {
    return failed(startedAt, new Error(`flow ${deps.run.flow} has no step '${spec.step}' (was the flow file changed during the run?)`), 'system', meter);
  }
  const blobs = meter.wrap(deps.blobs);
  const records = new RecordBuffer((batch) => deps.onRecords(spec.taskId, spec.attempt, batch));
  const emit = (kind: string, data: unknown): void => records.emit(kind, data);
  const key = { flow: deps.run.flow, runId: deps.run.runId, step: spec.step, taskId: spec.taskId, attempt: spec.attempt };
  const writers: Partial<Record<'stdout' | 'stderr', LogWriter>> = {};
  const sink = {
    write(stream: 'stdout' | 'stderr', text: string) {
      (writers[stream] ??= deps.logs.open(key, stream)).write(text);
      deps.onLog({ taskId: spec.taskId, step: spec.step, stream, text });
    },
  };
  const restoreEnv = applyEnv(spec.env);
  let reads: ReturnType<typeof buildContext>['reads'] | undefined;
  try {
    const { ctx, outputs, reads: tracked } = buildContext(deps.run, spec, blobs, node.kind === 'join', (base) => {
      for (const extension of extensions) extension(base, { run: deps.run, spec, emit });
    }, emit);
    reads = tracked;
    meter.userStart();
    let returned: unknown;
    try {
      returned = await withCapture(sink, async () => node.definition.fn(ctx));
    } finally {
      meter.userEnd();
    }
    if (returned !== undefined && returned !== null) {
      if (typeof returned !== 'object' || Array.isArray(returned)) {
        throw new TypeError(
          `step '${spec.step}' returned ${Array.isArray(returned) ? 'an array' : `a ${typeof returned}`}; return an object of named artifacts, e.g. { result }, or nothing`,
        );
      }
      for (const [name, value] of Object.entries(returned as Record<string, unknown>)) {
        if (RESERVED_NAMES.has(name) || name.startsWith('$')) {
          throw new TypeError(`step '${spec.step}' returned an artifact named '${name}': the name is reserved; choose another name`);
        }
        outputs.set(name, { kind: 'value', value });
      }
    }
    const stored: Record<string, StoredValue> = {};
    for (const [name, out] of outputs) {
      if (out.kind === 'ref') {
        stored[name] = out.stored;
        continue;
      }
      try {
        // Small outputs stay inline: the coordinator records their bytes with the artifact row.
        stored[name] =
          listNames.has(name) && Array.isArray(out.value) && out.codec === undefined
            ? storeItems(blobs, out.value)
            : storeValue(blobs, out.value, { codec: out.codec, inline: true });
        if (stored[name].inline !== undefined) meter.wroteInline(stored[name].bytes);
      } catch (error) {
        if (error instanceof CodecError) {
          throw new CodecError(`artifact '${name}' of step '${spec.step}' cannot be stored: ${error.message}`);
        }
        throw error;
      }
    }
    records.flush();
    return {
      ok: true,
      outputs: stored as ArtifactMap,
      startedAt,
      endedAt: Date.now(),
      stats: meter.finish(),
      reads: { params: [...reads.params].sort(), artifacts: Object.fromEntries([...reads.artifacts].sort(([a], [b]) => (a < b ? -1 : 1))) },
    };
  } catch (error) {
    records.flush();
    return { ...failed(startedAt, error, 'user', meter), retryable: matchesRetryOn(node.definition.options.retry, error) };
  } finally {
    restoreEnv();
    writers.stdout?.close();
    writers.stderr?.close();
  }
}

/** Sets the task's environment variables; returns how to put the previous values back. */
function applyEnv(env: Readonly<Record<string, string>> | undefined): () => void {
  if (!env) return () => {};
  const previous = Object.entries(env).map(([key]) => [key, process.env[key]] as const);
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

function failed(startedAt: number, error: unknown, kind: 'user' | 'system', meter: TaskMeter): TaskFailure {
  return { ok: false, error: toErrorRecord(error, kind), startedAt, endedAt: Date.now(), stats: meter.finish() };
}
