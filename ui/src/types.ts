/** The API's shapes, from the server's zod schemas (type-only: nothing of the server is bundled). */
export type {
  ArtifactPreviewT as ArtifactPreview,
  ArtifactT as Artifact,
  FrameT as Frame,
  GraphStepT as GraphStep,
  GraphT as Graph,
  LogChunkT as LogChunk,
  AttemptT as Attempt,
  RunDetailT as RunDetail,
  RunStepsT as RunSteps,
  RunLiveT as RunLive,
  RunPageT as RunPage,
  RunSummaryT as RunSummary,
  ServerInfoT as ServerInfo,
  StatusCountsT as StatusCounts,
  StepSummaryT as StepSummary,
  TaskDetailT as TaskDetail,
  TaskPageT as TaskPage,
  TaskSummaryT as TaskSummary,
  TimelineT as Timeline,
} from '../../src/server/schemas.js';

/** An artifact preview, by kind (see the server's preview.ts). */
export type JsonNumber = number | string;
export type Preview =
  | { kind: 'scalar'; type: string; value: string | number | boolean | null }
  | { kind: 'text'; length: number; text: string; truncated: boolean }
  | { kind: 'json'; type: string; text: string; truncated: boolean }
  | { kind: 'table'; rows: number; columns: { name: string; type: string }[]; head: (string | JsonNumber | null)[][] }
  | { kind: 'numbers'; type: string; length: number; min: JsonNumber | null; max: JsonNumber | null; mean: JsonNumber | null; std: JsonNumber | null; nan: number; head: JsonNumber[] }
  | { kind: 'unavailable'; reason: string };

export type {
  AliasEventT as AliasEvent,
  CompareRunT as CompareRun,
  CompareT as Compare,
  MetricHistoryT as MetricHistory,
  MetricSummaryT as MetricSummary,
  ModelDetailT as ModelDetail,
  ModelPageT as ModelPage,
  ModelT as Model,
  ModelVersionT as ModelVersion,
  RunMetricsT as RunMetrics,
} from '../../src/server/schemas-tracking.js';
