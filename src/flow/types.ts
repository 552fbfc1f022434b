/**
 * Types of the authoring API: what a step receives and what a flow declares.
 */
import type { ParamSpecs, ParamValues } from './params.js';

/** Facts about the running task. */
export interface CurrentTask {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly taskId: number;
  readonly attempt: number;
  /** `Flow/RunId/Step/TaskId` */
  readonly pathspec: string;
  readonly user: string;
  readonly tags: readonly string[];
  /** The run this one resumed, if any. */
  readonly originRunId: string | null;
}

/** One level of the foreach stack, outermost first. */
export interface ForeachLevel {
  /** The foreach step of this level. */
  readonly step: string;
  readonly index: number;
  readonly count: number;
  /** The item of this level (loaded on first access). */
  readonly item: unknown;
}

/** What every step receives, besides the upstream artifacts. */
export interface StepContextBase<P extends ParamSpecs> {
  /** Parameter values; read-only (assigning throws). */
  readonly params: ParamValues<P>;
  readonly current: CurrentTask;
  /** Index of this task's item in the innermost foreach, or undefined outside a foreach. */
  readonly index: number | undefined;
  /** The innermost foreach item (undefined outside a foreach). */
  readonly item: unknown;
  /** The whole foreach stack, outermost first. */
  readonly foreach: readonly ForeachLevel[];
  /** Sets an artifact (same as returning it). */
  set(name: string, value: unknown, options?: { readonly codec?: string }): void;
  /** Reads an upstream artifact by name; throws naming the step and the artifacts that exist. */
  artifact<T = unknown>(name: string): T;
  /** Whether an upstream artifact with this name is visible here. */
  has(name: string): boolean;
  /**
   * Checkpoints inside a long task: a retried or resumed attempt of this task `load()`s the last
   * state `save()`d (by an earlier attempt, or by the same task of the run being resumed).
   */
  readonly checkpoint: { save(state: unknown): unknown; load<T = unknown>(): T | undefined };
  /**
   * A circuit breaker shared by all tasks of this run on this machine: closed → open after
   * `failureThreshold` consecutive failures → one half-open probe after `cooldownMs`.
   */
  breaker(
    name: string,
    options?: { readonly failureThreshold?: number; readonly cooldownMs?: number; readonly halfOpenMax?: number; readonly isFailure?: (error: unknown) => boolean },
  ): { call<T>(fn: () => T | Promise<T>): Promise<T>; state(): 'closed' | 'open' | 'half-open' };
}

/** A join's view of one incoming path: its artifacts (lazy) plus where it came from. */
export type JoinInput<A> = Readonly<A> & {
  /** The step this input came from. */
  readonly $step: string;
  /** Split order: the foreach index, or the branch's position in the split's `next`. */
  readonly $index: number;
  /** Reads an artifact of this input by name. */
  $artifact<T = unknown>(name: string): T;
  /** Whether this input carries the artifact. */
  $has(name: string): boolean;
};

/** A failed foreach item as its join sees it. */
export interface JoinFailure {
  readonly index: number;
  readonly step: string;
  readonly taskId: number;
  readonly error: { readonly type: string; readonly message: string; readonly kind: 'user' | 'system' };
  /** The item that failed (loaded on access). */
  readonly item: unknown;
}

export interface MergeOptions {
  /** Names not to carry forward (conflicts in them are ignored). */
  readonly exclude?: readonly string[];
  /** Carry forward only these names. */
  readonly include?: readonly string[];
}

/** What a join receives: its inputs in split order, and the merge helper. */
export interface JoinContextBase<P extends ParamSpecs, A> extends Omit<StepContextBase<P>, 'artifact' | 'has'> {
  readonly inputs: readonly JoinInput<A>[];
  /** The input that came from the given step (branch joins). */
  input(step: string): JoinInput<A>;
  /**
   * Items of an `onFailure: 'continue'` foreach that failed after their retries, in split order
   * (empty otherwise). `inputs` holds only the successes.
   */
  readonly failures: readonly JoinFailure[];
  /**
   * Carries forward every artifact whose value agrees across all inputs (compared by content
   * digest). On any conflict it throws, naming the artifact and the steps, and sets nothing —
   * unless the name is excluded or was already set by this join.
   */
  merge(options?: MergeOptions): void;
}

type Outputs = Record<string, unknown> | void | undefined;
export type StepResult = Outputs | Promise<Outputs>;

export type StepContext<P extends ParamSpecs, A> = StepContextBase<P> & Readonly<A>;
export type ForeachContext<P extends ParamSpecs, A, I> = StepContext<P, A> & { readonly item: I; readonly index: number };
export type JoinContext<P extends ParamSpecs, A> = JoinContextBase<P, A>;

/** Routes to one of several next steps on the string value of an artifact the step produces. */
export interface SwitchOptions {
  /** The artifact whose value (as a string) selects the case. */
  readonly on: string;
  /** value → next step. A target declared earlier makes a loop (needs maxIterations). */
  readonly cases: Readonly<Record<string, string>>;
  /** Bound on how many times a back-edge of this switch may be taken per loop; exceeded → the task fails. */
  readonly maxIterations?: number;
}

/** An error class, or a predicate deciding whether an error deserves another attempt. */
export type RetryCondition = (abstract new (...args: any[]) => Error) | ((error: unknown) => boolean);

export interface RetryOptions {
  /** Retries after the first attempt (times: 3 → up to 4 attempts). */
  readonly times: number;
  /** 'fixed' waits `delay` each time; 'exponential' doubles it per attempt (default). */
  readonly backoff?: 'fixed' | 'exponential';
  /** First delay in seconds (default 1). */
  readonly delay?: number;
  /** Upper bound on any delay in seconds (default 300). */
  readonly maxDelay?: number;
  /** Randomise delays: true = full jitter (0..delay); a fraction f = ±f around the delay. Default false. */
  readonly jitter?: boolean | number;
  /**
   * Which failures are retried: 'all' (default), 'system' (dead worker, timeout, out of memory),
   * or a list of error classes / predicates for errors thrown by the step (system failures are
   * retried too unless the list is used with `systemErrors: false`).
   */
  readonly retryOn?: 'all' | 'system' | readonly RetryCondition[];
  /** With a `retryOn` list: whether system failures are retried as well (default true). */
  readonly systemErrors?: boolean;
}

export interface CatchOptions {
  /** Artifact that receives the error ({ type, message, stack, kind }) after retries are exhausted. */
  readonly as: string;
}

export interface ResourceOptions {
  /** CPU cores the task needs (fractions allowed; default 1). */
  readonly cpu?: number;
  /** Memory the task may use (MiB); enforced by killing the worker when exceeded. */
  readonly memoryMiB?: number;
  /** GPUs the task needs; device ids come from --gpus and reach it as CUDA_VISIBLE_DEVICES. */
  readonly gpu?: number;
}

/** Options common to all steps. */
export interface StepOptions {
  /** Next step, or several for a static branch. Defaults to the next declared step. */
  readonly next?: string | readonly string[];
  /** Route on a value instead of `next`. */
  readonly switch?: SwitchOptions;
  /** Free-form description shown by `sluice show`. */
  readonly doc?: string;
  readonly retry?: RetryOptions;
  readonly catch?: CatchOptions;
  /** Wall-clock limit per attempt; enforced by killing the worker process. */
  readonly timeout?: { readonly seconds: number };
  readonly resources?: ResourceOptions;
  /** At most this many tasks of this step run at once. */
  readonly concurrency?: number;
  /** Reuse outputs of an earlier identical task (same code, inputs, params read, options). */
  readonly cache?: boolean;
  /** Extra text mixed into the cache key (e.g. a data version the inputs don't show). */
  readonly cacheKey?: string;
  /** Environment variables set while the task runs. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Foreach steps: 'fail' (default) fails the run on a failed item; 'continue' records failed
   * items in the run's dead-letter list and the join receives the successes plus `failures`.
   */
  readonly onFailure?: 'fail' | 'continue';
  /**
   * Foreach steps: how many items a worker runs per dispatch. Each item stays its own task (its
   * own record, outputs, logs, retries and resume identity); a batch only saves the round trip to
   * a worker per item. `'auto'` times the first items and sizes batches with the planner (see
   * docs/planner.md); a number fixes the size. Default 1.
   */
  readonly batch?: 'auto' | number;
}

export interface ForeachOptions<K extends string = string> extends StepOptions {
  /** The list artifact (from upstream) to fan out over: one task per item. */
  readonly over: K;
}

export type StepKind = 'step' | 'foreach' | 'join';

/** A declared step, as stored in the flow. */
export interface StepDefinition {
  readonly name: string;
  readonly kind: StepKind;
  readonly fn: (ctx: any) => StepResult;
  readonly options: StepOptions;
  /** For foreach steps: the list artifact. */
  readonly over?: string;
  /** Declaration position (used for the implicit `next`). */
  readonly position: number;
}

export interface FlowOptions<P extends ParamSpecs> {
  readonly params?: P;
  readonly doc?: string;
}
