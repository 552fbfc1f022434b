/**
 * The HTTP API's shapes as zod schemas: they validate requests and generate the OpenAPI document
 * served at `/api/openapi.json`. The UI imports the inferred types (type-only) to stay in step.
 */
import { z } from '@hono/zod-openapi';

export const ErrorBody = z
  .object({
    error: z.string().openapi({ example: 'not-found' }),
    message: z.string().openapi({ example: "flow 'Train' has no run 'x'" }),
  })
  .openapi('Error');

export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'crashed']);
export const TaskStatus = z.enum(['pending', 'running', 'done', 'failed']);

export const StatusCounts = z.object({ pending: z.number(), running: z.number(), done: z.number(), failed: z.number() }).openapi('StatusCounts');

export const RunSummary = z
  .object({
    flow: z.string(),
    runId: z.string(),
    pathspec: z.string().openapi({ example: 'TrainFlow/mhf0q3k2a4x9z1b' }),
    status: RunStatus,
    createdAt: z.number(),
    endedAt: z.number().nullable(),
    durationMs: z.number().nullable(),
    heartbeatAt: z.number(),
    user: z.string(),
    tags: z.array(z.string()),
    systemTags: z.array(z.string()),
    params: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    originRunId: z.string().nullable(),
    /** Task counts over all steps (running runs only; null otherwise to keep lists cheap). */
    progress: StatusCounts.nullable(),
  })
  .openapi('RunSummary');

export const RunPage = z
  .object({
    runs: z.array(RunSummary),
    /** Pass as `before` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
    /** Runs looked at to fill this page (a search may skip many). */
    scanned: z.number(),
  })
  .openapi('RunPage');

export const GraphStep = z
  .object({
    name: z.string(),
    kind: z.enum(['step', 'foreach', 'join']),
    parents: z.array(z.string()),
    over: z.string().nullable(),
    doc: z.string().nullable(),
    closes: z.string().nullable(),
    transition: z.unknown(),
    options: z.unknown(),
  })
  .openapi('GraphStep');

export const Graph = z
  .object({
    flow: z.string(),
    doc: z.string().nullable(),
    params: z.array(z.record(z.string(), z.unknown())),
    steps: z.array(GraphStep),
    /** True when the run stored no graph and this one was pieced together from its tasks. */
    inferred: z.boolean(),
  })
  .openapi('Graph');

export const StepSummary = z
  .object({
    name: z.string(),
    counts: StatusCounts,
    total: z.number(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    durationSumMs: z.number(),
    durationMeanMs: z.number().nullable(),
    durationMaxMs: z.number().nullable(),
    retried: z.number(),
    cpuMs: z.number(),
    peakRssBytes: z.number(),
    bytesRead: z.number(),
    bytesWritten: z.number(),
  })
  .openapi('StepSummary');

export const RunDetail = z
  .object({
    run: RunSummary.extend({ flowFile: z.string(), codeDigest: z.string() }),
    graph: Graph,
    /** Tasks per status, per step (steps without tasks are absent). */
    counts: z.record(z.string(), StatusCounts),
    tasks: z.number(),
  })
  .openapi('RunDetail');

export const RunSteps = z.object({ steps: z.array(StepSummary) }).openapi('RunSteps');

export const RunLive = z
  .object({
    run: RunSummary,
    counts: z.record(z.string(), StatusCounts),
  })
  .openapi('RunLive');

export const PathTask = z.object({ step: z.string(), taskId: z.number(), startedAt: z.number(), endedAt: z.number() }).openapi('PathTask');

export const Timeline = z
  .object({
    startedAt: z.number(),
    endedAt: z.number(),
    buckets: z.number(),
    steps: z.array(
      z.object({
        step: z.string(),
        total: z.number(),
        started: z.number(),
        startedAt: z.number().nullable(),
        endedAt: z.number().nullable(),
        mode: z.enum(['bars', 'density']),
        bars: z.array(
          z.object({ taskId: z.number(), status: TaskStatus, startedAt: z.number(), endedAt: z.number(), lane: z.number(), critical: z.boolean() }),
        ),
        lanes: z.number(),
        density: z.array(z.number()).nullable(),
        peak: z.number().nullable(),
      }),
    ),
    criticalPath: z.array(PathTask),
    criticalMs: z.number(),
  })
  .openapi('Timeline');

export const TaskError = z
  .object({ type: z.string(), message: z.string(), stack: z.string().nullable(), kind: z.enum(['user', 'system']) })
  .openapi('TaskError');

export const TaskSummary = z
  .object({
    taskId: z.number(),
    step: z.string(),
    status: TaskStatus,
    attempt: z.number(),
    /** Innermost foreach index, or null outside a foreach. */
    index: z.number().nullable(),
    queuedAt: z.number(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('TaskSummary');

export const TaskPage = z
  .object({
    tasks: z.array(TaskSummary),
    /** Pass as `after` for the next page; null on the last page. */
    nextCursor: z.number().nullable(),
  })
  .openapi('TaskPage');

export const Preview = z.record(z.string(), z.unknown()).openapi('Preview', {
  description:
    "A value rendered for people, by `kind`: scalar {type, value}; text {text, length, truncated}; json {type, text, truncated}; table {rows, columns, head}; numbers {type, length, min, max, mean, std, nan, head}; unavailable {reason}. Non-finite numbers are the strings 'NaN', 'Infinity', '-Infinity'.",
});

export const Frame = z
  .object({
    kind: z.enum(['foreach', 'branch']),
    step: z.string(),
    splitStep: z.string(),
    splitTaskId: z.number(),
    index: z.number(),
    count: z.number(),
    /** Foreach item preview (small items only; null for branches or large items). */
    item: Preview.nullable(),
    itemBytes: z.number().nullable(),
  })
  .openapi('Frame');

export const Artifact = z
  .object({
    name: z.string(),
    type: z.string(),
    codec: z.string(),
    bytes: z.number(),
    digest: z.string(),
    itemized: z.boolean(),
    producer: z.string(),
    producerStep: z.string(),
    producerTaskId: z.number(),
    inherited: z.boolean(),
  })
  .openapi('Artifact');

export const Attempt = z
  .object({
    attempt: z.number(),
    status: z.string(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    workerId: z.string().nullable(),
    error: TaskError.nullable(),
    retryDelayMs: z.number().nullable(),
  })
  .openapi('Attempt');

export const TaskDetail = z
  .object({
    task: TaskSummary.extend({
      pathspec: z.string(),
      workerId: z.string().nullable(),
      originPathspec: z.string().nullable(),
      parentTaskIds: z.array(z.number()),
      /** Number of parents (the list above is cut at 100). */
      parentCount: z.number(),
      foreachStack: z.array(Frame),
      errorDetail: TaskError.nullable(),
      stats: z.record(z.string(), z.number()).nullable(),
      /** Earlier attempts and the latest (when the store records attempt history). */
      attempts: z.array(Attempt),
    }),
    artifacts: z.array(Artifact),
  })
  .openapi('TaskDetail');

export const ArtifactPreview = Artifact.extend({ preview: Preview }).openapi('ArtifactPreview');

export const LogChunk = z
  .object({
    stream: z.enum(['stdout', 'stderr']),
    attempt: z.number(),
    /** Byte offset of `text` in the log, and where the next read starts. */
    offset: z.number(),
    nextOffset: z.number(),
    /** Current size of the log in bytes. */
    size: z.number(),
    text: z.string(),
    /** True when the log goes on past `nextOffset` (ask again with offset = nextOffset). */
    more: z.boolean(),
  })
  .openapi('LogChunk');

export const ServerInfo = z
  .object({
    version: z.string(),
    home: z.string(),
    auth: z.boolean(),
    /** Whether the tracking routes (metrics, compare, models) are served. */
    tracking: z.boolean(),
    /** Whether the MLflow-compatible REST API is mounted under /api/2.0/mlflow. */
    mlflow: z.boolean(),
    store: z.boolean(),
  })
  .openapi('ServerInfo');

export const Flows = z.object({ flows: z.array(z.object({ name: z.string(), createdAt: z.number() })) }).openapi('Flows');

export type RunSummaryT = z.infer<typeof RunSummary>;
export type RunPageT = z.infer<typeof RunPage>;
export type RunDetailT = z.infer<typeof RunDetail>;
export type RunStepsT = z.infer<typeof RunSteps>;
export type AttemptT = z.infer<typeof Attempt>;
export type RunLiveT = z.infer<typeof RunLive>;
export type GraphT = z.infer<typeof Graph>;
export type GraphStepT = z.infer<typeof GraphStep>;
export type StepSummaryT = z.infer<typeof StepSummary>;
export type TimelineT = z.infer<typeof Timeline>;
export type TaskSummaryT = z.infer<typeof TaskSummary>;
export type TaskPageT = z.infer<typeof TaskPage>;
export type TaskDetailT = z.infer<typeof TaskDetail>;
export type ArtifactT = z.infer<typeof Artifact>;
export type ArtifactPreviewT = z.infer<typeof ArtifactPreview>;
export type FrameT = z.infer<typeof Frame>;
export type LogChunkT = z.infer<typeof LogChunk>;
export type ServerInfoT = z.infer<typeof ServerInfo>;
export type StatusCountsT = z.infer<typeof StatusCounts>;
