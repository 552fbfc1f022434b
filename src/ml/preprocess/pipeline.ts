/**
 * Pipeline: transformers applied in order, optionally ending in an estimator. `fit` fits each step
 * on the output of the previous one; `predict` / `predictProba` / `transform` pass data through.
 * A fitted pipeline is persistable when all its steps are.
 */
import { MLError, NotFittedError, ParamError } from '../core/errors.js';
import { registerModel, type Label } from '../core/estimator.js';
import type { Matrix } from '../core/matrix.js';
import { decodeNested, encodeNested, type NestedState } from './nested.js';

/** Any step: a transformer (fit + transform) or, last, an estimator (fit + predict). */
export interface PipelineStepObject {
  fit(x: any, y?: any): unknown;
  transform?(x: any): Matrix;
  fitTransform?(x: any, y?: any): Matrix;
  predict?(x: any): any;
  predictProba?(x: any): Matrix;
  decisionFunction?(x: any): any;
  featureNamesOut?(): string[];
  readonly classes?: readonly Label[] | undefined;
}

/** [name, step]; 'passthrough' skips the step. */
export type PipelineStep = readonly [name: string, step: PipelineStepObject | 'passthrough'];

export interface PipelineState {
  readonly steps: { readonly name: string; readonly step: NestedState | null }[];
  readonly fitted: boolean;
}

function describe(step: unknown): string {
  return (step as object | null)?.constructor?.name ?? typeof step;
}

export class Pipeline {
  readonly steps: readonly PipelineStep[];
  private fitted = false;

  constructor(steps: readonly PipelineStep[]) {
    if (steps.length === 0) throw new ParamError('Pipeline: steps is empty; give at least one [name, step]');
    const names = new Set<string>();
    steps.forEach(([name, step], i) => {
      if (typeof name !== 'string' || name === '') throw new ParamError(`Pipeline: step ${i} needs a non-empty name`);
      if (names.has(name)) throw new ParamError(`Pipeline: the step name '${name}' is used twice; names must be unique`);
      names.add(name);
      if (step === 'passthrough') return;
      if (typeof step?.fit !== 'function') throw new ParamError(`Pipeline: step '${name}' (${describe(step)}) has no fit()`);
      if (i < steps.length - 1 && typeof step.transform !== 'function') {
        throw new ParamError(`Pipeline: step '${name}' (${describe(step)}) is not last, so it must be a transformer with transform()`);
      }
    });
    this.steps = steps;
    // Like sklearn's available_if: methods the final step lacks are absent, so duck-typing
    // (scorers, servers) sees what this pipeline can really do.
    const last = this.finalStep;
    for (const method of ['predictProba', 'decisionFunction'] as const) {
      if (typeof last?.[method] !== 'function') Object.defineProperty(this, method, { value: undefined, configurable: true, writable: true });
    }
  }

  /** 'classifier' or 'regressor' after the final step (undefined for transformer-only pipelines). */
  get estimatorType(): 'classifier' | 'regressor' | undefined {
    const last = this.finalStep;
    if (!last || typeof last.predict !== 'function') return undefined;
    const declared = (last as { estimatorType?: unknown }).estimatorType;
    if (declared === 'classifier' || declared === 'regressor') return declared;
    return 'classes' in last || typeof last.predictProba === 'function' ? 'classifier' : 'regressor';
  }

  /** The step object with this name. */
  step(name: string): PipelineStepObject | 'passthrough' {
    const found = this.steps.find(([n]) => n === name);
    if (!found) throw new ParamError(`Pipeline: no step '${name}' (steps: ${this.steps.map(([n]) => n).join(', ')})`);
    return found[1];
  }

  /** The final step (undefined if it is 'passthrough'). */
  get finalStep(): PipelineStepObject | undefined {
    const last = this.steps[this.steps.length - 1]![1];
    return last === 'passthrough' ? undefined : last;
  }

  /** Classes of the final estimator (for classifiers). */
  get classes(): readonly Label[] | undefined {
    return this.finalStep?.classes;
  }

  /** Runs `fn` for a step, adding the step name to ML errors. */
  private run<T>(name: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof MLError && !error.message.startsWith('Pipeline')) error.message = `Pipeline step '${name}': ${error.message}`;
      throw error;
    }
  }

  /** Passes x through every step but the last. */
  private transformHead(x: unknown): unknown {
    let data = x;
    for (const [name, step] of this.steps.slice(0, -1)) {
      if (step === 'passthrough') continue;
      const input = data;
      data = this.run(name, () => step.transform!(input));
    }
    return data;
  }

  /** Fits every step in order on the previous step's output; the last step gets y too. */
  fit(x: unknown, y?: unknown): this {
    let data = x;
    this.fitted = false;
    this.steps.forEach(([name, step], i) => {
      if (step === 'passthrough') return;
      const input = data;
      if (i < this.steps.length - 1) {
        data = this.run(name, () => (typeof step.fitTransform === 'function' ? step.fitTransform(input, y) : (step.fit(input, y), step.transform!(input))));
      } else this.run(name, () => step.fit(input, y));
    });
    this.fitted = true;
    return this;
  }

  private checkFitted(method: string): void {
    if (!this.fitted) throw new NotFittedError('Pipeline', method);
  }

  private final(method: 'predict' | 'predictProba' | 'decisionFunction' | 'transform'): PipelineStepObject {
    this.checkFitted(method);
    const last = this.finalStep;
    if (last && typeof last[method] !== 'function') {
      const name = this.steps[this.steps.length - 1]![0];
      throw new MLError(`Pipeline: the final step '${name}' (${describe(last)}) has no ${method}()`);
    }
    return last!;
  }

  predict(x: unknown): any {
    const last = this.final('predict');
    if (!last) throw new MLError("Pipeline: the final step is 'passthrough'; predict() needs an estimator");
    const data = this.transformHead(x);
    return this.run(this.steps[this.steps.length - 1]![0], () => last.predict!(data));
  }

  /** Class probabilities; present only when the final step has predictProba. */
  predictProba?(x: unknown): Matrix {
    const last = this.final('predictProba');
    if (!last) throw new MLError("Pipeline: the final step is 'passthrough'; predictProba() needs a classifier");
    const data = this.transformHead(x);
    return this.run(this.steps[this.steps.length - 1]![0], () => last.predictProba!(data));
  }

  /** Decision scores; present only when the final step has decisionFunction. */
  decisionFunction?(x: unknown): any {
    const last = this.final('decisionFunction');
    if (!last) throw new MLError("Pipeline: the final step is 'passthrough'; decisionFunction() needs an estimator");
    const data = this.transformHead(x);
    return this.run(this.steps[this.steps.length - 1]![0], () => last.decisionFunction!(data));
  }

  /** Transforms through all steps (every step, including the last, must be a transformer). */
  transform(x: unknown): Matrix {
    const last = this.final('transform');
    const data = this.transformHead(x);
    if (!last) return data as Matrix;
    return this.run(this.steps[this.steps.length - 1]![0], () => last.transform!(data));
  }

  fitTransform(x: unknown, y?: unknown): Matrix {
    return this.fit(x, y).transform(x);
  }

  toState(): PipelineState {
    return {
      steps: this.steps.map(([name, step]) => ({ name, step: step === 'passthrough' ? null : encodeNested(step, `Pipeline step '${name}'`) })),
      fitted: this.fitted,
    };
  }

  static fromState(state: PipelineState): Pipeline {
    const p = new Pipeline(
      state.steps.map(({ name, step }) => [name, step === null ? 'passthrough' : (decodeNested(step, `Pipeline step '${name}'`) as PipelineStepObject)]),
    );
    p.fitted = state.fitted;
    return p;
  }
}
registerModel(Pipeline);

/** Builds a Pipeline naming each step after its class in lower case (like sklearn's make_pipeline). */
export function makePipeline(...steps: PipelineStepObject[]): Pipeline {
  const counts = new Map<string, number>();
  const names = steps.map((s) => describe(s).toLowerCase());
  names.forEach((n) => counts.set(n, (counts.get(n) ?? 0) + 1));
  const seen = new Map<string, number>();
  return new Pipeline(
    steps.map((s, i) => {
      const base = names[i]!;
      if (counts.get(base)! === 1) return [base, s];
      const k = (seen.get(base) ?? 0) + 1;
      seen.set(base, k);
      return [`${base}-${k}`, s];
    }),
  );
}
