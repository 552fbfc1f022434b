/**
 * The storage interfaces the runtime, client and later layers program against.
 *
 * Three backends hide behind them: metadata (SQLite now, PostgreSQL later), artifacts
 * (content-addressed blobs on local disk now, S3 later) and logs. Every backend of one kind
 * runs the same conformance suite in `test/store/`.
 */
import type { TrackingStore, TrackingWriteOp } from './tracking/types.js';

/** A run's lifecycle. `crashed` means its coordinator died without finishing it. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'crashed';

/** A task's lifecycle. Only `done` tasks' artifacts are visible downstream. */
export type TaskStatus = 'pending' | 'running' | 'done' | 'failed';

/** One level of a task's split context: a foreach item or a static branch. */
export interface FrameRecord {
  /** Step whose transition opened this split (the parent of the foreach/branch steps). */
  readonly splitStep: string;
  /** Task id of the task that opened the split. */
  readonly splitTaskId: number;
  readonly kind: 'foreach' | 'branch';
  /** The foreach step (for foreach frames) or the branch target (for branch frames). */
  readonly step: string;
  /** Position of this item in split order, or the branch's position in `next`. */
  readonly index: number;
  /** Number of items (foreach) or branches. */
  readonly count: number;
  /** Where the item is stored (foreach frames only): it is loaded alone, never with its list. */
  readonly item?: BlobPointer;
}

/**
 * A stored value: which bytes, and which codec decodes them. The bytes are the blob `digest`; or,
 * for a packed foreach item, `bytes` bytes at `offset` inside the blob `pack`; or, for a small task
 * output, `inline` itself (kept in the metadata store, no blob). Read them with `readPointerBytes`
 * in values.ts.
 */
export interface BlobPointer {
  /** sha256 of the encoded bytes: the value's identity (resume, the step cache), packed or not. */
  readonly digest: string;
  readonly codec: string;
  /** Length of the encoded bytes. */
  readonly bytes: number;
  /** When set, the bytes are not a blob of their own but lie inside this blob (a pack of small items). */
  readonly pack?: string;
  /** Where the bytes start inside `pack`. */
  readonly offset?: number;
  /**
   * When set, the encoded bytes themselves: a small task output kept in the metadata store instead
   * of a blob (see `INLINE_MAX_BYTES` in values.ts). `digest` and `bytes` still describe these bytes
   * exactly as for a blob, and no blob with that digest need exist.
   */
  readonly inline?: Uint8Array;
}

/** An error as recorded for a failed task attempt. */
export interface ErrorRecord {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  /** `user` for an exception in step code, `system` for a dead worker, a timeout, out of memory... */
  readonly kind: 'user' | 'system';
}

export interface FlowRecord {
  readonly name: string;
  readonly createdAt: number;
}

export interface RunRecord {
  readonly flow: string;
  /** Sorts by creation time (lexicographically). */
  readonly runId: string;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly user: string;
  /** Absolute path of the flow file the run was started from. */
  readonly flowFile: string;
  /** sha256 of the flow file's source. */
  readonly codeDigest: string;
  /** Parameter values, JSON-encoded (BigInt and other non-JSON values are not allowed in params). */
  readonly params: Readonly<Record<string, unknown>>;
  /** User tags (mutable). */
  readonly tags: readonly string[];
  /** System tags (set by Sluice at creation, immutable): e.g. `user:ann`, `runtime:local`. */
  readonly systemTags: readonly string[];
  /** The run this one resumed, if any. */
  readonly originRunId: string | null;
  /** Process id and host of the coordinator, with its last heartbeat (dead coordinators are detected). */
  readonly coordinator: { readonly pid: number; readonly host: string; readonly heartbeatAt: number };
  /** Failure summary when status is failed/crashed. */
  readonly error: string | null;
  /** The flow's graph as this run saw it (absent for runs recorded before schema 2). */
  readonly graph?: StoredGraph | null;
}

/** The parts of a flow graph stored with each run (the full JSON has more: params, options). */
export interface StoredGraph {
  readonly flow: string;
  readonly steps: readonly {
    readonly name: string;
    readonly kind: 'step' | 'foreach' | 'join';
    readonly parents: readonly string[];
    readonly [key: string]: unknown;
  }[];
  readonly [key: string]: unknown;
}

export interface TaskRecord {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  /** Unique within the run, assigned in creation order. */
  readonly taskId: number;
  readonly status: TaskStatus;
  /** Attempt number of the latest attempt (0-based). */
  readonly attempt: number;
  readonly parentTaskIds: readonly number[];
  readonly foreachStack: readonly FrameRecord[];
  readonly workerId: string | null;
  readonly queuedAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly error: ErrorRecord | null;
  /** Set when the task was cloned from another run's task (resume, cache). */
  readonly originPathspec: string | null;
  /** Resource use of the latest attempt, when measured. */
  readonly stats?: TaskStats | null;
  /** Every attempt so far, oldest first (a task cloned by resume or the cache has one 'cloned'/'cached' entry). */
  readonly attempts?: readonly AttemptRecord[] | null;
  /** The step-cache key of this task's inputs and code, when computed. */
  readonly cacheKey?: string | null;
  /** What the task read: which params, and which upstream artifacts (by digest). */
  readonly reads?: TaskReads | null;
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly status: 'done' | 'failed' | 'cloned' | 'cached';
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly workerId: string | null;
  readonly error: ErrorRecord | null;
  readonly stats?: TaskStats | null;
  /** For retried failures: the delay before the next attempt (ms). */
  readonly retryDelayMs?: number;
}

export interface TaskReads {
  readonly params: readonly string[];
  /** Artifact name → digest, for the upstream artifacts the task read. */
  readonly artifacts: Readonly<Record<string, string>>;
}

/** What one task attempt used, measured in the process that ran it. */
export interface TaskStats {
  /** Wall time of the attempt (ms). */
  readonly wallMs: number;
  /** CPU time in user and system mode (ms) during the attempt. */
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Peak resident set size of the worker during the attempt (bytes; sampled). */
  readonly peakRssBytes: number;
  /** Peak V8 heap used during the attempt (bytes; sampled). */
  readonly peakHeapBytes: number;
  /** Artifact bytes loaded and stored, and the time spent doing so (ms). */
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly loadMs: number;
  readonly storeMs: number;
  /** Time in the step function itself, excluding artifact loads (ms). */
  readonly userMs: number;
}

/** An artifact a task produced (its own outputs; inherited ones are found through the parents). */
export interface ArtifactRecord extends BlobPointer {
  readonly runId: string;
  readonly taskId: number;
  readonly name: string;
  /** Human-readable type, e.g. `Float64Array(1000)`, `object`, `ml.RandomForest`. */
  readonly type: string;
}

/** An append-only event: the live feed for progress displays and the UI. */
export interface EventRecord {
  /** Global, strictly increasing sequence number. */
  readonly seq: number;
  readonly runId: string;
  readonly time: number;
  readonly kind: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A task attempt's full write, committed as one unit (after its artifacts are in the blob store). */
export interface TaskWrite {
  readonly task: TaskRecord;
  /** Artifacts the task produced; written only when the task is `done`. */
  readonly artifacts?: readonly Omit<ArtifactRecord, 'runId' | 'taskId'>[];
}

/** One write in a batch. The batch is applied in one transaction, in order. */
export type WriteOp =
  | { readonly op: 'task'; readonly write: TaskWrite }
  | { readonly op: 'event'; readonly runId: string; readonly time: number; readonly kind: string; readonly payload: Record<string, unknown> }
  | {
      readonly op: 'run';
      readonly runId: string;
      readonly patch: Partial<Pick<RunRecord, 'status' | 'endedAt' | 'error'>> & { readonly heartbeatAt?: number };
    }
  | TrackingWriteOp;

export interface RunQuery {
  readonly flow?: string;
  readonly status?: RunStatus;
  /** Runs carrying all of these tags (user or system). */
  readonly tags?: readonly string[];
  /** Newest first; `before` is an exclusive run id cursor. */
  readonly before?: string;
  readonly limit?: number;
}

export interface TaskQuery {
  readonly step?: string;
  /** Tasks with taskId > after (cursor), ascending. */
  readonly after?: number;
  readonly limit?: number;
}

/**
 * Metadata backend. Async so PostgreSQL fits behind it; SQLite resolves immediately.
 * The local coordinator is the only writer of a run's metadata.
 */
export interface MetadataStore {
  readonly kind: string;
  /** The schema version this code writes. */
  readonly schemaVersion: number;
  /** Params, metrics, run search and the model registry (see store/tracking/types.ts). */
  readonly tracking: TrackingStore;

  createRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(query?: RunQuery): Promise<RunRecord[]>;
  listFlows(): Promise<FlowRecord[]>;

  /** Applies all ops in one transaction. */
  write(ops: readonly WriteOp[]): Promise<void>;

  getTask(runId: string, taskId: number): Promise<TaskRecord | undefined>;
  listTasks(runId: string, query?: TaskQuery): Promise<TaskRecord[]>;
  countTasks(runId: string): Promise<Record<string, Record<TaskStatus, number>>>;

  listArtifacts(runId: string, taskId: number): Promise<ArtifactRecord[]>;

  /** The newest done task with this step-cache key (a cache hit), if any. */
  findCached(cacheKey: string): Promise<TaskRecord | undefined>;
  /** Cache entries (done tasks with a cache key), newest first, optionally for one flow/step. */
  listCached(query?: { readonly flow?: string; readonly step?: string; readonly limit?: number }): Promise<TaskRecord[]>;
  /** Forgets cache entries (the tasks stay; only their keys are cleared). Returns how many. */
  clearCached(query?: { readonly flow?: string; readonly step?: string }): Promise<number>;

  /** Adds user tags; system tags are immutable. */
  addTags(runId: string, tags: readonly string[]): Promise<void>;
  removeTags(runId: string, tags: readonly string[]): Promise<void>;

  /** Events with seq > afterSeq, ascending; all runs when runId is omitted. */
  listEvents(query: { readonly runId?: string; readonly afterSeq?: number; readonly limit?: number }): Promise<EventRecord[]>;

  close(): Promise<void>;
}

/** Where a blob lives and how big it is. */
export interface BlobRef {
  readonly digest: string;
  readonly bytes: number;
}

/**
 * Content-addressed blob store (sha256). Synchronous, because step code reads artifacts lazily
 * through plain property access; remote backends put a local read-through cache behind it.
 */
export interface ArtifactStore {
  readonly kind: string;
  /** Stores the bytes (the concatenation of the chunks); storing the same bytes twice costs nothing. */
  put(data: Uint8Array | readonly Uint8Array[]): BlobRef;
  /** Throws {@link BlobNotFoundError} when absent. */
  get(digest: string): Uint8Array;
  has(digest: string): boolean;
  /** Returns whether something was deleted. */
  delete(digest: string): boolean;
  list(): Iterable<BlobRef>;
  /**
   * Optional, for wrappers: reads the bytes of a pointer that is not a blob of its own (a packed
   * item, or an inline value). `readPointerBytes` (values.ts) calls it when present; otherwise
   * packed reads go to a per-process pack cache that calls `get` only on a miss, and inline bytes
   * are copied from the pointer. A wrapper that counts reads implements it by calling
   * `readPointerBytes` on the store it wraps.
   */
  readPacked?(pointer: BlobPointer): Uint8Array;
}

/** Which task attempt a log belongs to. */
export interface LogKey {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly taskId: number;
  readonly attempt: number;
}

export type LogStream = 'stdout' | 'stderr';

/** Per-task-attempt stdout/stderr. Writers append; readers may read while a task still writes. */
export interface LogStore {
  readonly kind: string;
  /** Opens an appender for one attempt's stream (created lazily on first write). */
  open(key: LogKey, stream: LogStream): LogWriter;
  /** Whole log, or '' when the attempt wrote nothing. */
  read(key: LogKey, stream: LogStream): string;
  /** Bytes from `offset` on (for live tails). */
  readFrom(key: LogKey, stream: LogStream, offset: number): { text: string; nextOffset: number };
}

export interface LogWriter {
  write(chunk: string | Uint8Array): void;
  close(): void;
}
