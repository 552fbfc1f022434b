/**
 * Step options beyond the graph: validation (before anything runs), run-wide defaults given with
 * `--with option:key=value`, and the retry delay policy.
 */
import type { RetryOptions, StepDefinition, StepOptions } from './types.js';

/** Options `--with` may set, and the keys each takes. */
const WITH_KEYS: Readonly<Record<string, readonly string[]>> = {
  retry: ['times', 'backoff', 'delay', 'maxDelay', 'jitter', 'retryOn', 'systemErrors'],
  catch: ['as'],
  timeout: ['seconds'],
  resources: ['cpu', 'memoryMiB', 'gpu'],
  concurrency: [],
  cache: [],
  cacheKey: [],
  onFailure: [],
  batch: [],
};

/** A `--with` value that cannot be used. */
export class WithOptionError extends Error {
  override readonly name = 'WithOptionError';
}

function parseScalar(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

/**
 * Parses `--with` specs: `retry:times=3,backoff=exponential`, `timeout:seconds=60`, `cache`,
 * `concurrency=4`, `onFailure=continue`, `batch=auto`.
 */
export function parseWithOptions(specs: readonly string[]): Partial<StepOptions> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const eq = spec.indexOf('=');
    const name = (colon >= 0 && (eq < 0 || colon < eq) ? spec.slice(0, colon) : eq >= 0 ? spec.slice(0, eq) : spec).trim();
    const keys = WITH_KEYS[name];
    if (!keys) throw new WithOptionError(`--with ${spec}: unknown option '${name}' (options: ${Object.keys(WITH_KEYS).join(', ')})`);
    if (keys.length === 0) {
      out[name] = eq >= 0 ? parseScalar(spec.slice(eq + 1).trim()) : true;
      continue;
    }
    if (colon < 0) throw new WithOptionError(`--with ${spec}: give ${name}'s settings as ${name}:key=value,... (keys: ${keys.join(', ')})`);
    const settings: Record<string, unknown> = {};
    for (const pair of spec.slice(colon + 1).split(',')) {
      const [key, value] = pair.split('=').map((p) => p.trim());
      if (!key || value === undefined) throw new WithOptionError(`--with ${spec}: '${pair}' is not key=value`);
      if (!keys.includes(key)) throw new WithOptionError(`--with ${spec}: ${name} has no setting '${key}' (settings: ${keys.join(', ')})`);
      settings[key] = parseScalar(value);
    }
    out[name] = settings;
  }
  return out as Partial<StepOptions>;
}

/** A step's options with run-wide defaults filled in where the step sets nothing itself. */
export function effectiveOptions(def: StepDefinition, defaults: Partial<StepOptions>): StepOptions {
  const merged: Record<string, unknown> = { ...def.options };
  for (const [key, value] of Object.entries(defaults)) {
    if (merged[key] !== undefined) continue;
    if ((key === 'onFailure' || key === 'batch') && def.kind !== 'foreach') continue;
    if (key === 'catch' && value && typeof value === 'object' && 'as' in value) {
      merged[key] = value;
      continue;
    }
    merged[key] = value;
  }
  return merged as StepOptions;
}

/** Problems with one step's options, each naming the step and what is expected. */
export function optionProblems(def: StepDefinition, options: StepOptions = def.options): string[] {
  const problems: string[] = [];
  const at = `step '${def.name}'`;
  const positive = (value: unknown, what: string, integer = false): void => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      problems.push(`${at}: ${what} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`);
    }
  };
  const { retry, timeout, resources } = options;
  if (retry) {
    if (!Number.isInteger(retry.times) || retry.times < 0) problems.push(`${at}: retry.times must be a non-negative integer, got ${JSON.stringify(retry.times)}`);
    if (retry.backoff !== undefined && retry.backoff !== 'fixed' && retry.backoff !== 'exponential') {
      problems.push(`${at}: retry.backoff must be 'fixed' or 'exponential', got ${JSON.stringify(retry.backoff)}`);
    }
    if (retry.delay !== undefined && !(typeof retry.delay === 'number' && retry.delay >= 0)) {
      problems.push(`${at}: retry.delay must be a number of seconds >= 0, got ${JSON.stringify(retry.delay)}`);
    }
    positive(retry.maxDelay, 'retry.maxDelay');
    if (typeof retry.jitter === 'number' && !(retry.jitter >= 0 && retry.jitter <= 1)) {
      problems.push(`${at}: retry.jitter must be true, false or a fraction in [0, 1], got ${retry.jitter}`);
    }
    const on = retry.retryOn;
    if (on !== undefined && on !== 'all' && on !== 'system' && !(Array.isArray(on) && on.every((c) => typeof c === 'function'))) {
      problems.push(`${at}: retry.retryOn must be 'all', 'system' or a list of error classes / predicates`);
    }
  }
  if (timeout) positive(timeout.seconds, 'timeout.seconds');
  if (resources) {
    positive(resources.cpu, 'resources.cpu');
    positive(resources.memoryMiB, 'resources.memoryMiB');
    if (resources.gpu !== undefined && !(Number.isInteger(resources.gpu) && resources.gpu >= 0)) {
      problems.push(`${at}: resources.gpu must be a non-negative integer, got ${JSON.stringify(resources.gpu)}`);
    }
  }
  positive(options.concurrency, 'concurrency', true);
  if (options.catch) {
    const as = options.catch.as;
    if (typeof as !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(as)) {
      problems.push(`${at}: catch.as must name an artifact (letters, digits, '_'), got ${JSON.stringify(as)}`);
    }
  }
  if (options.onFailure !== undefined) {
    if (options.onFailure !== 'fail' && options.onFailure !== 'continue') {
      problems.push(`${at}: onFailure must be 'fail' or 'continue', got ${JSON.stringify(options.onFailure)}`);
    } else if (def.kind !== 'foreach' && options.onFailure === 'continue') {
      problems.push(`${at}: onFailure 'continue' applies to foreach steps (it decides what a failed item does to the run)`);
    }
  }
  if (options.batch !== undefined) {
    if (options.batch !== 'auto' && !(typeof options.batch === 'number' && Number.isInteger(options.batch) && options.batch >= 1)) {
      problems.push(`${at}: batch must be 'auto' or a positive integer (items per dispatch), got ${JSON.stringify(options.batch)}`);
    } else if (def.kind !== 'foreach') {
      problems.push(`${at}: batch applies to foreach steps (it groups their items per dispatch to a worker)`);
    }
  }
  return problems;
}

/**
 * Delay before attempt `next` (1-based retry number) in milliseconds. `random` is injectable so
 * tests can check the policy exactly.
 */
export function retryDelayMs(retry: RetryOptions, next: number, random: () => number = Math.random): number {
  const base = (retry.delay ?? 1) * 1000;
  const cap = (retry.maxDelay ?? 300) * 1000;
  const raw = (retry.backoff ?? 'exponential') === 'exponential' ? base * 2 ** (next - 1) : base;
  let delay = Math.min(raw, cap);
  if (retry.jitter === true) delay = random() * delay;
  else if (typeof retry.jitter === 'number' && retry.jitter > 0) delay = delay * (1 - retry.jitter + 2 * retry.jitter * random());
  return Math.max(0, Math.min(delay, cap));
}

/** Whether a failure may be retried under the step's policy. `userRetryable` is the worker's verdict for thrown errors. */
export function mayRetry(retry: RetryOptions | undefined, attempt: number, kind: 'user' | 'system', userRetryable: boolean): boolean {
  if (!retry || attempt >= retry.times) return false;
  const on = retry.retryOn ?? 'all';
  if (on === 'all') return true;
  if (on === 'system') return kind === 'system';
  return kind === 'system' ? retry.systemErrors !== false : userRetryable;
}

/** The worker-side check of a thrown error against `retryOn` (classes and predicates need the real error). */
export function matchesRetryOn(retry: RetryOptions | undefined, error: unknown): boolean {
  const on = retry?.retryOn;
  if (!Array.isArray(on)) return on !== 'system';
  return on.some((condition) => {
    if (condition.prototype instanceof Error || condition === Error) return error instanceof (condition as abstract new () => Error);
    try {
      return (condition as (e: unknown) => boolean)(error) === true;
    } catch {
      return false;
    }
  });
}
