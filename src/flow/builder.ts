/**
 * The flow builder. A flow is a value: `export default flow('Name', { params }).step(...)...`.
 *
 * Each call returns a new builder type that knows the artifacts declared so far, so step code
 * destructures typed upstream artifacts. The graph itself is data ({@link StepDefinition}s) and is
 * validated by `analyzeFlow` before anything runs.
 */
import type { ParamSpecs } from './params.js';
import type {
  FlowOptions,
  ForeachContext,
  ForeachOptions,
  JoinContext,
  StepContext,
  StepDefinition,
  StepOptions,
} from './types.js';

type Awaitedish<R> = R extends Promise<infer U> ? U : R;
/** The artifacts a step function's return value adds (nothing for steps that only throw or never return). */
type Added<R> = [R] extends [never]
  ? unknown
  : [Awaitedish<R>] extends [never]
    ? unknown
    : Awaitedish<R> extends infer U
      ? U extends Record<string, unknown>
        ? U
        : unknown
      : unknown;
/** The artifact `catch: { as }` sets when a step fails for good (absent when it succeeded). */
export interface CaughtError {
  readonly type: string;
  readonly message: string;
  readonly stack: string | null;
  readonly kind: 'user' | 'system';
}
type Caught<O> = O extends { readonly catch: { readonly as: infer N extends string } } ? { readonly [K in N]?: CaughtError } : unknown;
type ArrayKeys<A> = { [K in keyof A]: A[K] extends readonly unknown[] ? K : never }[keyof A] & string;
type ElementOf<T> = T extends readonly (infer E)[] ? E : unknown;

const FLOW_BRAND = Symbol.for('sluice.flow');

/**
 * A flow definition. `A` accumulates the artifact types declared by the steps so far; `I` is the
 * innermost foreach item type.
 */
export class Flow<P extends ParamSpecs = ParamSpecs, A = unknown, I = unknown> {
  readonly [FLOW_BRAND] = true;
  readonly name: string;
  readonly params: P;
  readonly doc: string | undefined;
  /** Steps in declaration order. */
  readonly steps: readonly StepDefinition[];
  /** Problems found while building (duplicate names...), reported by validation. */
  readonly buildErrors: readonly string[];

  constructor(name: string, options: FlowOptions<P>, steps: readonly StepDefinition[] = [], buildErrors: readonly string[] = []) {
    this.name = name;
    this.params = (options.params ?? {}) as P;
    this.doc = options.doc;
    this.steps = steps;
    this.buildErrors = buildErrors;
  }

  private add(def: Omit<StepDefinition, 'position'>): StepDefinition[] {
    return [...this.steps, { ...def, position: this.steps.length }];
  }

  private with<A2, I2>(def: Omit<StepDefinition, 'position'>): Flow<P, A2, I2> {
    const errors = [...this.buildErrors];
    if (this.steps.some((s) => s.name === def.name)) errors.push(`duplicate step name '${def.name}': step names must be unique`);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(def.name)) {
      errors.push(`step name ${JSON.stringify(def.name)} is not valid: use letters, digits, '_' and '-', starting with a letter or '_'`);
    }
    return new Flow<P, A2, I2>(this.name, { params: this.params, doc: this.doc }, this.add(def), errors);
  }

  /** A plain step. Its returned object's properties become artifacts visible downstream. */
  step<R extends StepResultOf, const O extends StepOptions = StepOptions>(
    name: string,
    fn?: (ctx: StepContext<P, A> & { readonly item: I }) => R,
    options: O = {} as O,
  ): Flow<P, A & Added<R> & Caught<O>, I> {
    return this.with({ name, kind: 'step', fn: (fn ?? noop) as StepDefinition['fn'], options });
  }

  /** A step that runs once per item of the list artifact `over` (from upstream), each item loaded alone. */
  foreach<K extends ArrayKeys<A>, R extends StepResultOf, const O extends ForeachOptions<K> = ForeachOptions<K>>(
    name: string,
    options: O & ForeachOptions<K>,
    fn: (ctx: ForeachContext<P, A, ElementOf<A[K]>>) => R,
  ): Flow<P, A & Added<R> & Caught<O>, ElementOf<A[K]>> {
    const { over, ...rest } = options;
    return this.with({ name, kind: 'foreach', fn: fn as StepDefinition['fn'], options: rest, over });
  }

  /**
   * Joins the innermost branch or foreach. It sees only its inputs (in split order) and carries
   * forward exactly what it returns, sets or merges.
   */
  join<R extends StepResultOf>(
    name: string,
    fn: (ctx: JoinContext<P, A>) => R,
    options: StepOptions = {},
  ): Flow<P, A & Added<R>, unknown> {
    return this.with({ name, kind: 'join', fn: fn as StepDefinition['fn'], options });
  }

  /** The step with this name, or undefined. */
  getStep(name: string): StepDefinition | undefined {
    return this.steps.find((s) => s.name === name);
  }
}

type StepResultOf = Record<string, unknown> | void | undefined | Promise<Record<string, unknown> | void | undefined>;

function noop(): void {}

/** Starts a flow definition. The graph must contain a `start` and an `end` step. */
export function flow<P extends ParamSpecs = Record<string, never>>(name: string, options: FlowOptions<P> = {}): Flow<P, unknown, unknown> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`flow name ${JSON.stringify(name)} is not valid: use letters, digits and '_', starting with a letter or '_'`);
  }
  return new Flow<P, unknown, unknown>(name, options);
}

/** Whether a value is a Flow (also across module copies). */
export function isFlow(value: unknown): value is Flow<any, any, any> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FLOW_BRAND] === true;
}
