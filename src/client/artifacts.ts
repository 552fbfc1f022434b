/**
 * What a task can see. A task's own outputs are in the artifact table; a non-join task also sees
 * everything its single parent saw; a join sees only its own outputs. Values load lazily: listing
 * artifacts reads metadata only, and a value is decoded on first access.
 */
import type { ArtifactRecord, TaskRecord } from '../store/types.js';
import { ITEMS_CODEC, loadValue } from '../store/values.js';
import { ClientError } from './errors.js';
import { formatPathspec } from './pathspec.js';
import type { Session } from './session.js';

/** An artifact visible to a task, and which task produced it. */
export interface ArtifactInfo {
  readonly name: string;
  /** Human-readable type, e.g. `number`, `Array(1200)`, `Float64Array(10)`. */
  readonly type: string;
  readonly codec: string;
  /** Stored size (for foreach lists: the item manifest, not the items). */
  readonly bytes: number;
  readonly digest: string;
  /** Whether the value is stored item by item (a list some foreach fans out over). */
  readonly itemized: boolean;
  /** `Flow/RunId/Step/TaskId` of the task that produced it. */
  readonly producer: string;
  readonly producerStep: string;
  readonly producerTaskId: number;
  /** True when produced by an upstream task rather than the task itself. */
  readonly inherited: boolean;
  /**
   * The encoded bytes of a small value kept in the metadata store rather than as a blob (absent
   * for blobs); `digest` and `bytes` describe them either way. Loading handles both.
   */
  readonly inline?: Uint8Array;
}

/**
 * Whether `task` is a join. The run's stored graph says so; runs recorded before the graph was
 * stored fall back to the shape: a join closes a split, so its stack is shorter than its parents'.
 */
function isJoin(task: TaskRecord, parent: TaskRecord | undefined, joins: ReadonlySet<string> | undefined): boolean {
  if (joins) return joins.has(task.step);
  if (task.parentTaskIds.length > 1) return true;
  return parent !== undefined && parent.foreachStack.length > task.foreachStack.length;
}

/** Resolves the artifacts visible to a task, inherited ones through its parent chain. */
export async function visibleArtifacts(session: Session, task: TaskRecord): Promise<Map<string, ArtifactInfo>> {
  const chain: TaskRecord[] = [task];
  const graph = (await session.meta.getRun(task.runId))?.graph;
  const joins = graph ? new Set(graph.steps.filter((s) => s.kind === 'join').map((s) => s.name)) : undefined;
  let current = task;
  while (current.parentTaskIds.length === 1) {
    const parent = await session.meta.getTask(current.runId, current.parentTaskIds[0]!);
    if (!parent || isJoin(current, parent, joins)) break;
    chain.push(parent);
    current = parent;
  }
  const visible = new Map<string, ArtifactInfo>();
  for (const owner of chain.reverse()) {
    for (const record of await session.meta.listArtifacts(owner.runId, owner.taskId)) {
      visible.set(record.name, info(record, owner, owner !== task));
    }
  }
  return new Map([...visible.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function info(record: ArtifactRecord, owner: TaskRecord, inherited: boolean): ArtifactInfo {
  return {
    name: record.name,
    type: record.type,
    codec: record.codec,
    bytes: record.bytes,
    digest: record.digest,
    itemized: record.codec === ITEMS_CODEC,
    producer: formatPathspec(owner.flow, owner.runId, owner.step, owner.taskId),
    producerStep: owner.step,
    producerTaskId: owner.taskId,
    inherited,
    ...(record.inline !== undefined ? { inline: record.inline } : {}),
  };
}

/** Decodes one artifact's value, naming the artifact and its producer when that fails. */
export function loadArtifact(session: Session, artifact: ArtifactInfo): unknown {
  try {
    return loadValue(session.blobs, artifact);
  } catch (error) {
    throw new ClientError(`cannot load artifact '${artifact.name}' of ${artifact.producer}: ${(error as Error).message}`, { cause: error });
  }
}

/** A frozen record with one lazy getter per artifact: a value is decoded on first access, once. */
export function lazyRecord(session: Session, artifacts: Iterable<ArtifactInfo>): Readonly<Record<string, unknown>> {
  const record: Record<string, unknown> = {};
  for (const artifact of artifacts) {
    let loaded = false;
    let value: unknown;
    Object.defineProperty(record, artifact.name, {
      enumerable: true,
      get: () => {
        if (!loaded) {
          value = loadArtifact(session, artifact);
          loaded = true;
        }
        return value;
      },
    });
  }
  return Object.freeze(record);
}
