/**
 * The tracking and registry side of the metadata store: logged params, metric histories with a
 * per-run summary, key/value run tags, run search, and the model registry (models, versions with
 * lineage, aliases with audited history, gate verdicts).
 *
 * Writes from a running flow arrive as {@link TrackingWriteOp}s in the coordinator's batches;
 * everything else (the MLflow API, the CLI) calls the methods directly. Every backend passes the
 * conformance suite in `test/track/store-conformance.ts`.
 */
import type { BlobPointer, RunRecord } from '../types.js';
import type { ParamType } from './values.js';

/** Where a param came from: the flow's declared params, a step's `log.param`, or an API call. */
export type ParamSource = 'flow' | 'logged' | 'api';

export interface ParamRecord {
  readonly key: string;
  /** The typed value (numbers, booleans, JSON come back as such). */
  readonly value: unknown;
  /** The text form that filters compare and MLflow returns. */
  readonly text: string;
  readonly type: ParamType;
  readonly source: ParamSource;
  /** The task that logged it (null for flow params and API writes). */
  readonly taskId: number | null;
  readonly loggedAt: number;
}

export interface ParamInput {
  readonly key: string;
  readonly value: unknown;
}

/** One point of a metric's history. */
export interface MetricPoint {
  readonly key: string;
  /** Any double, including NaN and ±Infinity. */
  readonly value: number;
  readonly step: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

export interface MetricPointRecord extends MetricPoint {
  readonly taskId: number | null;
}

/** A metric of one run: its latest value (highest step, then latest timestamp), range and count. */
export interface MetricSummary {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
  /** The task that logged the latest value (null for API writes). */
  readonly taskId: number | null;
  /** Over the non-NaN values; NaN when every value was NaN. */
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export interface TagInput {
  readonly key: string;
  readonly value: string;
}

/** A model's input signature: column names and types, in order. */
export interface ModelSignature {
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
  readonly outputs?: readonly { readonly name: string; readonly type: string }[];
}

/** A stored value the registry points at (the model itself, or its example input). */
export interface StoredPointer extends BlobPointer {
  readonly type: string;
}

/** What a gate checks. The first version of a model (no baseline) passes on absolute thresholds alone. */
export interface GateSpec {
  /** Absolute bounds on the candidate's metrics. */
  readonly thresholds?: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
  /** Comparison with the version an alias points at. */
  readonly vs?: {
    readonly alias: string;
    readonly metric: string;
    /** How much worse than the baseline the candidate may be (default 0). */
    readonly maxRegression?: number;
    /** Whether higher values are better (default) or lower ones (losses, errors). */
    readonly better?: 'higher' | 'lower';
  };
}

export interface GateCheck {
  readonly metric: string;
  readonly kind: 'min' | 'max' | 'regression';
  readonly limit: number;
  /** The candidate's value (NaN when missing). */
  readonly value: number;
  readonly passed: boolean;
}

/** A gate's outcome, stored with the version. */
export interface GateVerdict {
  readonly passed: boolean;
  /** One line per failed check (or a note why a comparison was skipped). */
  readonly reasons: readonly string[];
  readonly checks: readonly GateCheck[];
  /** The version compared against, when there was one. */
  readonly baseline: { readonly alias: string; readonly version: number; readonly value: number } | null;
  readonly spec: GateSpec;
  readonly evaluatedAt: number;
}

/** Legacy MLflow stages, derived from aliases (see the registry docs). */
export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface ModelRecord {
  readonly name: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  /** Highest version ever assigned (versions are never reused, even after deletion). */
  readonly lastVersion: number;
  /** alias → version */
  readonly aliases: Readonly<Record<string, number>>;
}

export interface ModelVersionRecord {
  readonly name: string;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Where the model came from: an artifact pathspec `Flow/RunId/step/taskId/name`, or a URI. */
  readonly source: string;
  readonly runId: string | null;
  /** The task that produced it: `Flow/RunId/step/taskId`. */
  readonly pathspec: string | null;
  /** The model value in the blob store (absent for versions registered by URI through MLflow). */
  readonly artifact: StoredPointer | null;
  readonly codeDigest: string | null;
  /** Input artifact name → content digest, as the producing task saw them. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly signature: ModelSignature | null;
  readonly example: StoredPointer | null;
  readonly gate: GateVerdict | null;
  /** Aliases pointing here, sorted. */
  readonly aliases: readonly string[];
  readonly stage: ModelStage;
}

/** A new version. `token` lets the writer find its version once the coordinator has committed it. */
export interface ModelVersionInput {
  readonly name: string;
  readonly token?: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly source: string;
  readonly runId?: string | null;
  readonly pathspec?: string | null;
  readonly artifact?: StoredPointer | null;
  /** Taken from the run when omitted and `runId` is given. */
  readonly codeDigest?: string | null;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly signature?: ModelSignature | null;
  readonly example?: StoredPointer | null;
  /** Evaluated against the baseline alias in the same transaction, stored with the version. */
  readonly gate?: GateSpec;
  /** Moves an alias to the new version in the same transaction (refused, and audited, when its gate failed and requireGate is set). */
  readonly promote?: { readonly alias: string; readonly requireGate?: boolean; readonly reason?: string };
}

/** Moving (or removing) an alias. */
export interface AliasChangeInput {
  readonly name: string;
  readonly alias: string;
  /** Target version; omit together with `versionToken` to delete the alias. */
  readonly version?: number;
  /** The registration token of the target version (a step promoting what it just registered). */
  readonly versionToken?: string;
  /** Refuse (and audit the refusal) unless the target's stored gate verdict passed. */
  readonly requireGate?: boolean;
  readonly actor: string;
  readonly reason?: string;
  readonly time: number;
  /** Lets the requester find the outcome in the history. */
  readonly token?: string;
}

/** One entry of an alias's audited history. */
export interface AliasHistoryRecord {
  readonly id: number;
  readonly name: string;
  readonly alias: string;
  readonly fromVersion: number | null;
  readonly toVersion: number | null;
  /** `set` moved it, `delete` removed it, `refused` was a move that a gate stopped. */
  readonly action: 'set' | 'delete' | 'refused';
  readonly actor: string;
  readonly reason: string;
  readonly time: number;
  readonly token: string | null;
}

/** Writes a running flow sends through the coordinator's batches. */
export type TrackingWriteOp =
  | {
      readonly op: 'params';
      readonly runId: string;
      readonly taskId: number | null;
      readonly time: number;
      readonly source: ParamSource;
      readonly params: readonly ParamInput[];
    }
  | { readonly op: 'metrics'; readonly runId: string; readonly taskId: number | null; readonly points: readonly MetricPoint[] }
  | { readonly op: 'run-tags'; readonly runId: string; readonly tags: readonly TagInput[] }
  | { readonly op: 'model-version'; readonly version: ModelVersionInput }
  | { readonly op: 'alias'; readonly change: AliasChangeInput };

/** The op names of {@link TrackingWriteOp}. */
export const TRACKING_OPS: ReadonlySet<string> = new Set(['params', 'metrics', 'run-tags', 'model-version', 'alias']);

/** Which runs a search considers. */
export type RunView = 'active' | 'deleted' | 'all';

export interface RunSearchQuery {
  /** Flows (MLflow experiments) to search; all when omitted. */
  readonly flows?: readonly string[];
  /** MLflow filter syntax plus `or`, parentheses and a trailing `order by`. */
  readonly filter?: string;
  /** e.g. `metrics.auc DESC`; appended after the filter's own `order by`. */
  readonly orderBy?: readonly string[];
  /** Default 100, at most 50,000. */
  readonly limit?: number;
  /** From a previous result's `nextPageToken`. */
  readonly pageToken?: string;
  readonly view?: RunView;
}

export interface RunSearchResult {
  readonly runs: RunRecord[];
  readonly nextPageToken: string | null;
}

/** Everything tracked for one run. */
export interface RunTrackingData {
  readonly params: ParamRecord[];
  readonly metrics: MetricSummary[];
  /** Key/value tags (MLflow-style), plus Sluice's string tags as `key:value` → key, value. */
  readonly tags: Readonly<Record<string, string>>;
  /** When the run was deleted through the MLflow API (null when active). */
  readonly deletedAt: number | null;
}

export interface ModelSearchQuery {
  /** `name = 'x'`, `name LIKE 'churn%'`, `tags.team = 'x'`, combined with and/or. */
  readonly filter?: string;
  readonly limit?: number;
  readonly pageToken?: string;
}

export interface VersionSearchQuery {
  /** `name = 'x'`, `run_id = '...'`, `version > 2`, `tags.k = 'v'`, combined with and/or. */
  readonly filter?: string;
  readonly limit?: number;
  readonly pageToken?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string | null;
}

/** Tracking and registry operations of a metadata backend. Async so PostgreSQL fits behind it. */
export interface TrackingStore {
  // ---- runs: direct writes (API, CLI); a running flow uses write ops instead ----
  /** Logs params; throws ParamConflictError naming the key and both values when one already differs. */
  logParams(runId: string, params: readonly ParamInput[], options?: { readonly taskId?: number | null; readonly source?: ParamSource; readonly time?: number }): Promise<void>;
  logMetrics(runId: string, points: readonly MetricPoint[], options?: { readonly taskId?: number | null }): Promise<void>;
  setRunTags(runId: string, tags: readonly TagInput[]): Promise<void>;
  /** Returns whether the tag existed. */
  deleteRunTag(runId: string, key: string): Promise<boolean>;
  /** Marks a run deleted (hidden from active searches) or restores it. */
  setRunDeleted(runId: string, deleted: boolean, time?: number): Promise<void>;
  /** Sets or replaces experiment (flow) tags; creates the flow when missing. */
  setFlowTags(flow: string, tags: readonly TagInput[], createdAt?: number): Promise<void>;
  getFlowTags(flow: string): Promise<Record<string, string>>;

  // ---- runs: reads ----
  getParams(runId: string): Promise<ParamRecord[]>;
  getMetricSummaries(runId: string): Promise<MetricSummary[]>;
  /** One metric's points ordered by step then timestamp; `after` pages by position. */
  getMetricHistory(runId: string, key: string, options?: { readonly taskId?: number; readonly offset?: number; readonly limit?: number }): Promise<MetricPointRecord[]>;
  /** Metric keys with history in the run. */
  getMetricKeys(runId: string): Promise<string[]>;
  getRunTags(runId: string): Promise<Record<string, string>>;
  /** Params, summaries and tags of many runs at once (search results). */
  getRunData(runIds: readonly string[]): Promise<Map<string, RunTrackingData>>;
  searchRuns(query: RunSearchQuery): Promise<RunSearchResult>;

  // ---- registry ----
  createModel(input: { readonly name: string; readonly description?: string; readonly tags?: Readonly<Record<string, string>>; readonly createdAt: number; readonly createdBy: string }): Promise<ModelRecord>;
  getModel(name: string): Promise<ModelRecord | undefined>;
  searchModels(query?: ModelSearchQuery): Promise<Page<ModelRecord>>;
  updateModel(name: string, patch: { readonly description?: string; readonly tags?: Readonly<Record<string, string>>; readonly time: number }): Promise<ModelRecord>;
  /** Refused while any alias points at one of its versions. */
  deleteModel(name: string): Promise<void>;
  /** Creates the model when missing; evaluates `gate` and applies `promote` in the same transaction. */
  createModelVersion(input: ModelVersionInput): Promise<ModelVersionRecord>;
  getModelVersion(name: string, version: number): Promise<ModelVersionRecord | undefined>;
  /** The version a registration token produced, once committed. */
  findVersionByToken(token: string): Promise<ModelVersionRecord | undefined>;
  /** Newest first. */
  listModelVersions(name: string): Promise<ModelVersionRecord[]>;
  searchModelVersions(query?: VersionSearchQuery): Promise<Page<ModelVersionRecord>>;
  updateModelVersion(name: string, version: number, patch: { readonly description?: string; readonly tags?: Readonly<Record<string, string>>; readonly time: number }): Promise<ModelVersionRecord>;
  /** Refused while an alias points at it. */
  deleteModelVersion(name: string, version: number): Promise<void>;
  /** Evaluates a gate for a stored version against its baseline alias, stores and returns the verdict. */
  evaluateGate(name: string, version: number, spec: GateSpec, time: number): Promise<GateVerdict>;
  /** Moves or deletes an alias, recording who, when, from which version and why. */
  changeAlias(change: AliasChangeInput): Promise<AliasHistoryRecord>;
  /** The version an alias points at, if set. */
  getAlias(name: string, alias: string): Promise<number | undefined>;
  /** Oldest first; all aliases of the model when `alias` is omitted. */
  aliasHistory(name: string, alias?: string): Promise<AliasHistoryRecord[]>;
  /** The history entry a change request produced (by its token), once committed. */
  findAliasChangeByToken(token: string): Promise<AliasHistoryRecord | undefined>;
}
