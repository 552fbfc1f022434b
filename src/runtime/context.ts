/**
 * Builds the object a step function receives: params, facts about the task, the foreach stack,
 * and upstream artifacts loaded lazily on first property access.
 */
import { readOnlyParams } from '../flow/params.js';
import type { CurrentTask, ForeachLevel, JoinInput, MergeOptions } from '../flow/types.js';
import type { ArtifactStore } from '../store/types.js';
import { loadValue, type StoredValue } from '../store/values.js';
import { circuitBreaker, type CircuitBreakerOptions } from './breaker.js';
import { checkpointStore, type CheckpointStore } from './checkpoint.js';
import type { ArtifactMap, RunInfo, TaskSpec } from './protocol.js';

/** Names the context itself uses; they cannot be artifact names. */
export const RESERVED_NAMES = new Set([
  'params',
  'current',
  'index',
  'item',
  'foreach',
  'set',
  'artifact',
  'has',
  'inputs',
  'input',
  'merge',
  'log',
  'logger',
  'checkpoint',
  'map',
  'registerModel',
  'emit',
  'breaker',
  'failures',
  'then',
  'constructor',
]);

/** A step read an artifact nobody upstream set. */
export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';
}

/** What a step produced so far: plain values to encode, or references to already-stored values. */
export type PendingOutput = { readonly kind: 'value'; readonly value: unknown; readonly codec?: string } | { readonly kind: 'ref'; readonly stored: StoredValue };

export interface BuiltContext {
  readonly ctx: Record<string, unknown>;
  readonly outputs: Map<string, PendingOutput>;
  /** What the step read so far: params by name, upstream artifacts by name → digest. */
  readonly reads: { readonly params: Set<string>; readonly artifacts: Map<string, string> };
}

function checkName(step: string, name: string): void {
  if (RESERVED_NAMES.has(name) || name.startsWith('$')) {
    throw new TypeError(`step '${step}' cannot set an artifact named '${name}': the name is reserved; choose another name`);
  }
}

function lazyArtifacts(blobs: ArtifactStore, artifacts: ArtifactMap) {
  const cache = new Map<string, unknown>();
  return (name: string): unknown => {
    if (cache.has(name)) return cache.get(name);
    const pointer = artifacts[name];
    if (!pointer) return undefined;
    const value = loadValue(blobs, pointer);
    cache.set(name, value);
    return value;
  };
}

function describeVisible(artifacts: ArtifactMap): string {
  const names = Object.keys(artifacts);
  return names.length ? names.join(', ') : 'none';
}

/** Builds the context for one task attempt. */
export function buildContext(
  run: RunInfo,
  spec: TaskSpec,
  blobs: ArtifactStore,
  isJoin: boolean,
  extend: (base: Record<string, unknown>) => void = () => {},
  emit: (kind: string, data: unknown) => void = () => {},
): BuiltContext {
  const outputs = new Map<string, PendingOutput>();
  const reads = { params: new Set<string>(), artifacts: new Map<string, string>() };
  const params = readOnlyParams({ ...run.params }, spec.step, (name) => reads.params.add(name));
  const current: CurrentTask = Object.freeze({
    flow: run.flow,
    runId: run.runId,
    step: spec.step,
    taskId: spec.taskId,
    attempt: spec.attempt,
    pathspec: `${run.flow}/${run.runId}/${spec.step}/${spec.taskId}`,
    user: run.user,
    tags: Object.freeze([...run.tags]),
    originRunId: run.originRunId,
  });
  const itemCache = new Map<number, unknown>();
  const foreach: ForeachLevel[] = spec.stack
    .filter((f) => f.kind === 'foreach')
    .map((frame, level) => ({
      step: frame.step,
      index: frame.index,
      count: frame.count,
      get item(): unknown {
        if (frame.item) reads.artifacts.set(`$item:${frame.step}`, frame.item.digest);
        if (!itemCache.has(level)) itemCache.set(level, frame.item ? loadValue(blobs, frame.item) : undefined);
        return itemCache.get(level);
      },
    }));
  const innermost = foreach[foreach.length - 1];
  const loadLazy = lazyArtifacts(blobs, spec.artifacts);
  const load = (name: string): unknown => {
    const pointer = spec.artifacts[name];
    if (pointer) reads.artifacts.set(name, pointer.digest);
    return loadLazy(name);
  };

  const set = (name: string, value: unknown, options: { codec?: string } = {}): void => {
    checkName(spec.step, name);
    outputs.set(name, { kind: 'value', value, codec: options.codec });
  };
  const artifact = (name: string): unknown => {
    if (outputs.has(name)) {
      const out = outputs.get(name)!;
      return out.kind === 'value' ? out.value : loadValue(blobs, out.stored);
    }
    if (!(name in spec.artifacts)) {
      throw new ArtifactNotFoundError(
        `step '${spec.step}' reads artifact '${name}', but no upstream step set it (visible here: ${describeVisible(spec.artifacts)})`,
      );
    }
    return load(name);
  };

  const base: Record<string, unknown> = {
    params,
    current,
    index: innermost?.index,
    foreach: Object.freeze(foreach),
    set,
  };
  Object.defineProperty(base, 'item', { get: () => innermost?.item, enumerable: true });
  if (isJoin) {
    // A join depends on which paths arrived (and which items failed), not only on what it reads.
    reads.artifacts.set('$inputs', joinShape(spec));
    const inputs = (spec.joinInputs ?? []).map((input) =>
      joinInput(blobs, spec.step, input.step, input.index, input.artifacts, (name, digest) => reads.artifacts.set(`${input.index}:${name}`, digest)),
    );
    base.inputs = Object.freeze(inputs);
    base.failures = Object.freeze(
      (spec.joinFailures ?? []).map((f) => ({
        index: f.index,
        step: f.step,
        taskId: f.taskId,
        error: { type: f.error.type, message: f.error.message, kind: f.error.kind },
        get item(): unknown {
          return f.item ? loadValue(blobs, f.item) : undefined;
        },
      })),
    );
    base.input = (step: string) => {
      const found = inputs.find((i) => i.$step === step);
      if (!found) {
        throw new ArtifactNotFoundError(`join '${spec.step}' has no input from step '${step}' (inputs: ${inputs.map((i) => i.$step).join(', ')})`);
      }
      return found;
    };
    base.merge = (options: MergeOptions = {}) => {
      // merge() decides on digests, so it depends on every input's artifacts.
      for (const input of spec.joinInputs ?? []) {
        for (const [name, pointer] of Object.entries(input.artifacts)) reads.artifacts.set(`${input.index}:${name}`, pointer.digest);
      }
      merge(spec, outputs, options);
    };
  } else {
    base.artifact = artifact;
    base.has = (name: string) => outputs.has(name) || name in spec.artifacts;
  }

  let checkpoints: CheckpointStore | undefined;
  Object.defineProperty(base, 'checkpoint', {
    enumerable: true,
    get: () =>
      (checkpoints ??= checkpointStore({
        home: run.home,
        blobs,
        flow: run.flow,
        runId: run.runId,
        step: spec.step,
        taskId: spec.taskId,
        attempt: spec.attempt,
        fallback: spec.checkpointFallback,
      })),
  });
  base.breaker = (name: string, options: Omit<CircuitBreakerOptions, 'onStateChange'> = {}) =>
    circuitBreaker(
      name,
      {
        ...options,
        onStateChange: (from, to, reason) => {
          console.log(`[breaker ${name}] ${from} → ${to}: ${reason}`);
          emit('event', { kind: 'breaker-state', payload: { breaker: name, from, to, reason } });
        },
      },
      { home: run.home, flow: run.flow, runId: run.runId },
    );
  extend(base);
  const ctx = new Proxy(base, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || key in target) return Reflect.get(target, key, receiver) as unknown;
      if (isJoin) {
        throw new ArtifactNotFoundError(
          `join '${spec.step}' reads '${key}' directly; a join sees its inputs: use inputs[i].${key}, input('step').${key} or merge()`,
        );
      }
      return artifact(key);
    },
    set(target, key, value) {
      if (typeof key !== 'string') return false;
      if (key in target) throw new TypeError(`step '${spec.step}' cannot assign '${key}': it is part of the step context, not an artifact`);
      set(key, value);
      return true;
    },
    has(target, key) {
      return key in target || (typeof key === 'string' && !isJoin && key in spec.artifacts);
    },
    ownKeys(target) {
      return [...new Set([...Reflect.ownKeys(target), ...(isJoin ? [] : Object.keys(spec.artifacts))])];
    },
    getOwnPropertyDescriptor(target, key) {
      if (key in target) return Reflect.getOwnPropertyDescriptor(target, key);
      if (typeof key === 'string' && !isJoin && key in spec.artifacts) {
        return { configurable: true, enumerable: true, get: () => artifact(key) };
      }
      return undefined;
    },
  });
  return { ctx, outputs, reads };
}

function joinInput(
  blobs: ArtifactStore,
  joinStep: string,
  step: string,
  index: number,
  artifacts: ArtifactMap,
  onRead: (name: string, digest: string) => void,
): JoinInput<any> {
  const load = lazyArtifacts(blobs, artifacts);
  const read = (name: string): unknown => {
    if (artifacts[name]) onRead(name, artifacts[name].digest);
    if (!(name in artifacts)) {
      throw new ArtifactNotFoundError(
        `join '${joinStep}': input ${index} (from step '${step}') has no artifact '${name}' (it has: ${describeVisible(artifacts)})`,
      );
    }
    return load(name);
  };
  const meta: Record<string, unknown> = {
    $step: step,
    $index: index,
    $artifact: read,
    $has: (name: string) => name in artifacts,
    $pointers: artifacts,
  };
  return new Proxy(meta, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || key in target) return Reflect.get(target, key, receiver) as unknown;
      if (key === 'then' || key === 'toJSON') return undefined;
      return read(key);
    },
    set() {
      throw new TypeError(`join '${joinStep}': inputs are read-only; set artifacts on the join itself`);
    },
    ownKeys: () => Object.keys(artifacts),
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && key in artifacts ? { configurable: true, enumerable: true, get: () => read(key) } : undefined,
  }) as JoinInput<any>;
}

/** Metaflow-style merge: carries agreeing artifacts forward by reference, all or nothing. */
function merge(spec: TaskSpec, outputs: Map<string, PendingOutput>, options: MergeOptions): void {
  const inputs = spec.joinInputs ?? [];
  const exclude = new Set(options.exclude ?? []);
  const include = options.include ? new Set(options.include) : undefined;
  const names = new Set(inputs.flatMap((i) => Object.keys(i.artifacts)));
  const chosen = new Map<string, StoredValue>();
  const conflicts: string[] = [];
  for (const name of names) {
    if (exclude.has(name) || outputs.has(name) || (include && !include.has(name))) continue;
    const holders = inputs.filter((i) => name in i.artifacts);
    const digests = new Set(holders.map((i) => i.artifacts[name]!.digest));
    if (digests.size === 1) chosen.set(name, holders[0]!.artifacts[name]!);
    else {
      const bySteps = [...new Set(holders.map((h) => `'${h.step}'`))].join(', ');
      conflicts.push(`'${name}' differs between inputs (from ${bySteps})`);
    }
  }
  if (include) {
    for (const name of include) {
      if (!names.has(name)) conflicts.push(`'${name}' was asked for but no input has it`);
    }
  }
  if (conflicts.length > 0) {
    throw new TypeError(
      `join '${spec.step}': merge() found conflicts and set nothing: ${conflicts.join('; ')}. ` +
        `Set those artifacts explicitly before calling merge(), or pass { exclude: [...] }`,
    );
  }
  for (const [name, stored] of chosen) outputs.set(name, { kind: 'ref', stored });
}

/** Which inputs and failures a join received, as a comparable string (see resume). */
export function joinShape(spec: Pick<TaskSpec, 'joinInputs' | 'joinFailures'>): string {
  return JSON.stringify([
    (spec.joinInputs ?? []).map((i) => [i.index, i.step]),
    (spec.joinFailures ?? []).map((f) => [f.index, f.step, f.error.type, f.error.message]),
  ]);
}
