/**
 * Resume: which tasks of an origin run can be cloned into the new run instead of re-running.
 *
 * Tasks are matched by identity — step, split position (every frame's split step, kind and
 * index) and occurrence (the n-th such task, for loops) — and cloned only when the origin task
 * finished and what it *read* is unchanged: the same values for the params it read, the same
 * digests for the artifacts and items it read. Steps at or after `--from` always re-run.
 */
import type { FlowGraph } from '../flow/graph.js';
import type { ArtifactRecord, FrameRecord, MetadataStore, RunRecord, TaskRecord } from '../store/types.js';
import { RunSetupError } from './errors.js';
import { joinShape } from './context.js';
import type { ArtifactMap, JoinFailureSpec, JoinInputSpec } from './protocol.js';

export function identityBase(step: string, stack: readonly FrameRecord[]): string {
  return `${step}|${stack.map((f) => `${f.splitStep}:${f.kind}:${f.index}`).join('/')}`;
}

/** Steps reachable from `from` (inclusive), following every edge. */
export function downstreamOf(graph: FlowGraph, from: string): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    const t = graph.steps.get(name)!.transition;
    const targets = t.type === 'linear' ? [t.target] : t.type === 'branch' ? t.targets : t.type === 'switch' ? Object.values(t.cases) : [];
    targets.forEach(visit);
  };
  visit(from);
  return out;
}

export interface Clone {
  readonly task: TaskRecord;
  readonly artifacts: ArtifactRecord[];
}

export class ResumePlan {
  private constructor(
    private readonly meta: MetadataStore,
    readonly origin: RunRecord,
    private readonly byIdentity: Map<string, TaskRecord>,
    private readonly forced: ReadonlySet<string>,
    private readonly params: Readonly<Record<string, unknown>>,
  ) {}

  /** Indexes the origin run's tasks. `from` forces that step and everything after it to re-run. */
  static async load(
    meta: MetadataStore,
    origin: RunRecord,
    graph: FlowGraph,
    params: Readonly<Record<string, unknown>>,
    from?: string,
  ): Promise<ResumePlan> {
    if (from !== undefined && !graph.steps.has(from)) {
      throw new RunSetupError(`--from ${from}: flow ${graph.flow} has no step '${from}' (steps: ${graph.order.join(', ')})`);
    }
    const tasks = await meta.listTasks(origin.runId);
    const byIdentity = new Map<string, TaskRecord>();
    const seen = new Map<string, number>();
    for (const task of tasks.sort((a, b) => a.taskId - b.taskId)) {
      const base = identityBase(task.step, task.foreachStack);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      byIdentity.set(`${base}#${n}`, task);
    }
    return new ResumePlan(meta, origin, byIdentity, from === undefined ? new Set() : downstreamOf(graph, from), params);
  }

  /** The origin's task at this position, whatever its status (a re-run continues from its checkpoints). */
  originOf(identity: string): TaskRecord | undefined {
    return this.byIdentity.get(identity);
  }

  /** The origin task to clone for this new task, when its inputs are unchanged. */
  async match(
    identity: string,
    step: string,
    stack: readonly FrameRecord[],
    artifacts: ArtifactMap,
    joinInputs: readonly JoinInputSpec[] | undefined,
    joinFailures?: readonly JoinFailureSpec[],
  ): Promise<Clone | undefined> {
    if (this.forced.has(step)) return undefined;
    const task = this.byIdentity.get(identity);
    if (!task || task.status !== 'done' || task.step !== step) return undefined;
    if (!this.sameReads(task, stack, artifacts, joinInputs, joinFailures)) return undefined;
    return { task, artifacts: await this.meta.listArtifacts(task.runId, task.taskId) };
  }

  private sameReads(
    task: TaskRecord,
    stack: readonly FrameRecord[],
    artifacts: ArtifactMap,
    joinInputs: readonly JoinInputSpec[] | undefined,
    joinFailures: readonly JoinFailureSpec[] | undefined,
  ): boolean {
    const reads = task.reads;
    if (!reads) return false;
    for (const name of reads.params) {
      if (JSON.stringify(this.origin.params[name] ?? null) !== JSON.stringify(this.params[name] ?? null)) return false;
    }
    for (const [key, digest] of Object.entries(reads.artifacts)) {
      const now = key === '$inputs' ? joinShape({ joinInputs, joinFailures }) : currentDigest(key, stack, artifacts, joinInputs);
      if (now !== digest) return false;
    }
    return true;
  }
}

/** The digest a read key refers to in the new run (`name`, `$item:step`, or `index:name` for join inputs). */
function currentDigest(key: string, stack: readonly FrameRecord[], artifacts: ArtifactMap, joinInputs: readonly JoinInputSpec[] | undefined): string | undefined {
  if (key.startsWith('$item:')) {
    const step = key.slice('$item:'.length);
    return stack.find((f) => f.kind === 'foreach' && f.step === step)?.item?.digest;
  }
  const joinRead = /^(\d+):(.*)$/.exec(key);
  if (joinInputs && joinRead) return joinInputs.find((i) => i.index === Number(joinRead[1]))?.artifacts[joinRead[2]!]?.digest;
  return artifacts[key]?.digest;
}
