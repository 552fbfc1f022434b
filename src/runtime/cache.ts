/**
 * Step-cache keys. A task's key hashes its step's code digest, its position (foreach indices and
 * item digests), the options that change results, the digests of every artifact visible to it,
 * and its parents' full keys — so editing a step re-runs it and everything downstream, and
 * nothing upstream. Params are matched separately: a hit also needs the params the cached task
 * actually *read* to have the same values now, so changing a param re-runs only the steps that
 * read it (and what depends on their changed outputs).
 */
import { createHash } from 'node:crypto';
import type { StepOptions } from '../flow/types.js';
import type { ArtifactRecord, FrameRecord, MetadataStore, RunRecord, TaskRecord } from '../store/types.js';
import type { ArtifactMap, JoinFailureSpec, JoinInputSpec } from './protocol.js';

function sha(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function digests(map: ArtifactMap): [string, string][] {
  return Object.entries(map)
    .map(([name, p]): [string, string] => [name, p.digest])
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

export interface KeyInputs {
  readonly step: string;
  readonly codeDigest: string;
  readonly options: StepOptions;
  readonly stack: readonly FrameRecord[];
  readonly artifacts: ArtifactMap;
  readonly joinInputs?: readonly JoinInputSpec[];
  readonly joinFailures?: readonly JoinFailureSpec[];
  /** Full keys of the parent tasks, in order. */
  readonly parentKeys: readonly string[];
}

/** The key under which a task's outputs are cached (before params are considered). */
export function cacheKey(inputs: KeyInputs): string {
  return sha([
    'sluice-cache-v1',
    inputs.step,
    inputs.codeDigest,
    inputs.options.cacheKey ?? null,
    inputs.options.env ?? null,
    inputs.stack.map((f) => [f.splitStep, f.kind, f.index, f.count, f.item?.digest ?? null]),
    digests(inputs.artifacts),
    (inputs.joinInputs ?? []).map((i) => [i.step, i.index, digests(i.artifacts)]),
    (inputs.joinFailures ?? []).map((f) => [f.step, f.index, f.error.type, f.error.message]),
    inputs.parentKeys,
  ]);
}

/** A task's key once the params it read are known: what its children build on. */
export function fullKey(key: string, paramsRead: readonly string[], params: Readonly<Record<string, unknown>>): string {
  return sha([key, paramsRead.map((name) => [name, params[name] ?? null])]);
}

function sameParams(names: readonly string[], a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return names.every((name) => JSON.stringify(a[name] ?? null) === JSON.stringify(b[name] ?? null));
}

export interface CacheHit {
  readonly task: TaskRecord;
  readonly artifacts: ArtifactRecord[];
  readonly originRun: RunRecord;
}

/** Looks up a reusable task for a key, checking that the params it read still have the same values. */
export class CacheLookup {
  private readonly runs = new Map<string, RunRecord | undefined>();

  constructor(
    private readonly meta: MetadataStore,
    private readonly params: Readonly<Record<string, unknown>>,
  ) {}

  async find(key: string): Promise<CacheHit | undefined> {
    const task = await this.meta.findCached(key);
    if (!task) return undefined;
    if (!this.runs.has(task.runId)) this.runs.set(task.runId, await this.meta.getRun(task.runId));
    const originRun = this.runs.get(task.runId);
    if (!originRun) return undefined;
    if (!sameParams(task.reads?.params ?? [], originRun.params, this.params)) return undefined;
    return { task, artifacts: await this.meta.listArtifacts(task.runId, task.taskId), originRun };
  }
}
