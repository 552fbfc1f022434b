/**
 * `parallel()`: names a function so other threads can find it.
 *
 * A closure cannot be sent to another thread, so a map worker finds the function the way the main
 * thread did: it imports the module that defines it, and the module's top-level `parallel(...)`
 * call registers it again under the same name. This module is tiny on purpose: every map worker
 * imports it, and its start-up cost is paid per worker.
 */

/** A function registered with {@link parallel}: callable as is, and runnable in map workers. */
export interface ParallelFn<I = any, R = any, S = any> {
  (item: I, index: number, shared: S): R | Promise<R>;
  /** The name it was registered under (unique in the process). */
  readonly parallelName: string;
  /** URL of the module that defines it; map workers import this module to find it. */
  readonly module: string;
}

export interface ParallelOptions {
  /**
   * The module that defines the function (pass `import.meta.url`). By default it is the module
   * that called `parallel()`, read from the call stack; give it when `parallel()` is called
   * through a helper defined in another module.
   */
  readonly module?: string;
}

const REGISTRY_KEY = Symbol.for('sluice.planner.parallel');
// One registry per thread, even when the runtime is loaded twice (source and dist).
const registry: Map<string, ParallelFn> = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??= new Map()) as Map<string, ParallelFn>;

/** Thrown when a parallel function is declared wrongly (bad name, clashing name). */
export class ParallelDefinitionError extends Error {
  override readonly name = 'ParallelDefinitionError';
}

/** Strips query/hash so the same file named twice (e.g. by a loader) is one module. */
export function moduleKey(url: string): string {
  return url.replace(/[?#].*$/, '');
}

/** The module that called `parallel()` (the first stack frame outside this file). */
function callerModule(): string | undefined {
  const previous = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, parallel);
    const frames = holder.stack as NodeJS.CallSite[] | undefined;
    for (const frame of frames ?? []) {
      const file = frame.getFileName();
      if (file && !file.startsWith('node:')) return file.startsWith('file:') ? file : `file://${file}`;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/**
 * Registers `fn` under `name` so `map()` can run it in worker threads. Call it at the top level of
 * a module (not inside a step), so that every thread importing the module defines it:
 *
 * ```ts
 * export const extract = parallel('extract', (doc: Doc, index: number, vocab: Vocab) => features(doc, vocab));
 * // in a step:
 * const feats = await ctx.map(docs, extract, { shared: vocab });
 * ```
 *
 * Workers import the defining module: keep its top level free of side effects other than
 * definitions (or guard them with {@link isMapWorker}).
 */
export function parallel<I, R, S = undefined>(
  name: string,
  fn: (item: I, index: number, shared: S) => R | Promise<R>,
  options: ParallelOptions = {},
): ParallelFn<I, R, S> {
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.:-]*$/.test(name)) {
    throw new ParallelDefinitionError(
      `parallel(): name ${JSON.stringify(name)} is not valid: use letters, digits, '_', '.', ':' and '-', starting with a letter or '_'`,
    );
  }
  if (typeof fn !== 'function') throw new ParallelDefinitionError(`parallel('${name}'): expected a function, got ${typeof fn}`);
  const module = options.module ?? callerModule();
  if (!module) {
    throw new ParallelDefinitionError(`parallel('${name}'): cannot tell which module defines it; pass { module: import.meta.url }`);
  }
  const existing = registry.get(name);
  if (existing && moduleKey(existing.module) !== moduleKey(module)) {
    throw new ParallelDefinitionError(
      `parallel('${name}') is defined twice: in ${existing.module} and in ${module}; names must be unique in a process, rename one`,
    );
  }
  const bound = fn.bind(undefined) as ParallelFn<I, R, S>;
  Object.defineProperties(bound, {
    parallelName: { value: name, enumerable: true },
    module: { value: module, enumerable: true },
  });
  registry.set(name, bound);
  return bound;
}

/** Whether a value is a function registered with {@link parallel}. */
export function isParallelFn(value: unknown): value is ParallelFn {
  return typeof value === 'function' && typeof (value as Partial<ParallelFn>).parallelName === 'string';
}

/** Whether a map function's result is a promise to await (checked per item: most results are plain values). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** The registered function with this name in this thread, if any. */
export function lookupParallel(name: string): ParallelFn | undefined {
  return registry.get(name);
}

/** Names registered by one module (for error messages). */
export function parallelNamesIn(module: string): string[] {
  const key = moduleKey(module);
  return [...registry.values()].filter((f) => moduleKey(f.module) === key).map((f) => f.parallelName);
}

const WORKER_FLAG = Symbol.for('sluice.planner.isMapWorker');

/** True inside a map worker thread (guard top-level side effects of modules that define parallel functions). */
export function isMapWorker(): boolean {
  return (globalThis as Record<symbol, unknown>)[WORKER_FLAG] === true;
}

/** Marks this thread as a map worker (called by the worker entry before it imports user modules). */
export function markMapWorker(): void {
  (globalThis as Record<symbol, unknown>)[WORKER_FLAG] = true;
}
