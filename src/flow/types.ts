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

/** Options common to all steps. */
export interface StepOptions {
  /** Next step, or several for a static branch. Defaults to the next declared step. */
  readonly next?: string | readonly string[];
  /** Route on a value instead of `next`. */
  readonly switch?: SwitchOptions;
  /** Free-form description shown by `sluice show`. */
  readonly doc?: string;
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
