/**
 * Typed flow parameters: declared once on the flow, resolved and validated in the coordinator
 * before any task runs, then identical and read-only in every step.
 *
 * Resolution order (first wins): CLI `--name value`, env `SLUICE_PARAM_<NAME>`, explicit values
 * passed to the API, the default (a value, or a function evaluated exactly once per run).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type ParamKind = 'int' | 'float' | 'string' | 'boolean' | 'enum' | 'list' | 'json' | 'file';

/** A declared parameter. `T` is the value type steps see. */
export interface ParamSpec<T = unknown> {
  readonly kind: ParamKind;
  readonly help?: string;
  /** A value, or a function computing it once per run (may be async). */
  readonly default?: T | (() => T | Promise<T>);
  /** Parses a raw string (CLI / env) into the value. */
  parse(raw: string, name: string): T;
  /** Checks a value given through the API or a default; returns it normalised. */
  check(value: unknown, name: string): T;
  /** Human description of the accepted values, for `--help` and errors. */
  readonly describe: string;
  /** Phantom for type inference. */
  readonly __type?: T;
}

/** A parameter value that cannot be used; the message names the parameter and what was expected. */
export class ParamValueError extends Error {
  override readonly name = 'ParamValueError';
}

interface Common<T> {
  readonly help?: string;
  readonly default?: T | (() => T | Promise<T>);
}

function fail(name: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : String(got);
  throw new ParamValueError(`parameter '${name}': expected ${expected}, got ${shown}`);
}

function numberSpec(kind: 'int' | 'float', opts: Common<number> & { min?: number; max?: number }): ParamSpec<number> {
  const expected = `${kind === 'int' ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}${
    opts.max !== undefined ? ` <= ${opts.max}` : ''
  }`;
  const check = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, expected, value);
    if (kind === 'int' && !Number.isInteger(value)) fail(name, expected, value);
    if (opts.min !== undefined && value < opts.min) fail(name, expected, value);
    if (opts.max !== undefined && value > opts.max) fail(name, expected, value);
    return value;
  };
  return {
    kind,
    help: opts.help,
    default: opts.default,
    describe: expected,
    check,
    parse: (raw, name) => {
      const trimmed = raw.trim();
      const n = trimmed === '' ? NaN : Number(trimmed.replace(/_/g, ''));
      if (Number.isNaN(n) || (kind === 'int' && !Number.isInteger(n))) fail(name, expected, raw);
      return check(n, name);
    },
  };
}

function parseJson(raw: string, name: string, expected: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return fail(name, expected, raw);
  }
}

/** Parameter constructors: `param.int({ default: 10 })`, `param.enum(['a', 'b'])`, ... */
export const param = {
  int: (opts: Common<number> & { min?: number; max?: number } = {}) => numberSpec('int', opts),
  float: (opts: Common<number> & { min?: number; max?: number } = {}) => numberSpec('float', opts),

  string: (opts: Common<string> & { pattern?: RegExp } = {}): ParamSpec<string> => {
    const expected = opts.pattern ? `a string matching ${opts.pattern}` : 'a string';
    const check = (value: unknown, name: string): string => {
      if (typeof value !== 'string') fail(name, expected, value);
      if (opts.pattern && !opts.pattern.test(value)) fail(name, expected, value);
      return value;
    };
    return { kind: 'string', help: opts.help, default: opts.default, describe: expected, check, parse: check };
  },

  boolean: (opts: Common<boolean> = {}): ParamSpec<boolean> => {
    const expected = 'true or false';
    return {
      kind: 'boolean',
      help: opts.help,
      default: opts.default,
      describe: expected,
      check: (value, name) => (typeof value === 'boolean' ? value : fail(name, expected, value)),
      parse: (raw, name) => {
        const v = raw.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(v)) return true;
        if (['false', '0', 'no', 'off'].includes(v)) return false;
        return fail(name, expected, raw);
      },
    };
  },

  enum: <const V extends string>(values: readonly V[], opts: Common<V> = {}): ParamSpec<V> => {
    const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    const check = (value: unknown, name: string): V =>
      typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as V) : fail(name, expected, value);
    return { kind: 'enum', help: opts.help, default: opts.default, describe: expected, check, parse: check };
  },

  /** A list of ints, floats or strings; on the CLI as JSON (`[1,2]`) or comma-separated (`1,2`). */
  list: <const E extends 'int' | 'float' | 'string' = 'string'>(
    opts: Common<ElementType<E>[]> & { of?: E } = {},
  ): ParamSpec<ElementType<E>[]> => {
    const of = (opts.of ?? 'string') as E;
    const element = of === 'string' ? param.string() : numberSpec(of as 'int' | 'float', {});
    const expected = `a list of ${of === 'string' ? 'strings' : of === 'int' ? 'integers' : 'numbers'}`;
    const check = (value: unknown, name: string): ElementType<E>[] => {
      if (!Array.isArray(value)) fail(name, expected, value);
      return value.map((v, i) => element.check(v, `${name}[${i}]`)) as ElementType<E>[];
    };
    return {
      kind: 'list',
      help: opts.help,
      default: opts.default,
      describe: expected,
      check,
      parse: (raw, name) => {
        const trimmed = raw.trim();
        if (trimmed.startsWith('[')) return check(parseJson(trimmed, name, expected), name);
        if (trimmed === '') return [];
        return trimmed.split(',').map((part, i) => element.parse(part.trim(), `${name}[${i}]`)) as ElementType<E>[];
      },
    };
  },

  /** Any JSON value; `validate` may check its shape (e.g. a zod schema's `parse`). */
  json: <T = unknown>(opts: Common<T> & { validate?: (value: unknown) => T } = {}): ParamSpec<T> => {
    const expected = 'a JSON value';
    const check = (value: unknown, name: string): T => {
      if (value === undefined) fail(name, expected, value);
      if (!opts.validate) return value as T;
      try {
        return opts.validate(value);
      } catch (error) {
        throw new ParamValueError(`parameter '${name}': ${(error as Error).message}`);
      }
    };
    return {
      kind: 'json',
      help: opts.help,
      default: opts.default,
      describe: expected,
      check,
      parse: (raw, name) => check(parseJson(raw, name, expected), name),
    };
  },

  /** A file path given at run start; steps see its contents, read once in the coordinator. */
  file: (opts: { help?: string; default?: string; encoding?: 'utf8' | 'base64' } = {}): ParamSpec<string> => {
    const expected = 'a path to a readable file';
    const read = (value: unknown, name: string): string => {
      if (typeof value !== 'string' || value === '') fail(name, expected, value);
      try {
        return readFileSync(resolve(value), opts.encoding ?? 'utf8');
      } catch (error) {
        throw new ParamValueError(`parameter '${name}': cannot read file ${JSON.stringify(value)}: ${(error as Error).message}`);
      }
    };
    return { kind: 'file', help: opts.help, default: opts.default, describe: expected, check: read, parse: read };
  },
};

type ElementType<E> = E extends 'string' ? string : number;

export type ParamSpecs = Readonly<Record<string, ParamSpec<any>>>;

/** The values steps see for a set of declared params. */
export type ParamValues<P extends ParamSpecs> = { readonly [K in keyof P]: P[K] extends ParamSpec<infer T> ? T : never };

/** `learningRate` → `LEARNING_RATE` (for SLUICE_PARAM_LEARNING_RATE). */
export function envName(name: string): string {
  return `SLUICE_PARAM_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()}`;
}

/** `learningRate` → `learning-rate` (CLI flag). */
export function flagName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
}

export interface ParamSources {
  /** Raw strings from the command line, keyed by param name. */
  readonly cli?: Readonly<Record<string, string>>;
  /** Environment (SLUICE_PARAM_*). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Already-typed values (API callers, resume). */
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * Resolves every declared param. Computed defaults run exactly once here. All problems are
 * collected and reported together so a user fixes them in one go.
 */
export async function resolveParams(
  flowName: string,
  specs: ParamSpecs,
  sources: ParamSources,
): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const known = new Set(Object.keys(specs));
  for (const name of [...Object.keys(sources.cli ?? {}), ...Object.keys(sources.values ?? {})]) {
    if (!known.has(name)) {
      problems.push(
        `unknown parameter '${name}' (flow ${flowName} declares: ${[...known].join(', ') || 'no parameters'})`,
      );
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    try {
      const cli = sources.cli?.[name];
      const env = sources.env?.[envName(name)];
      if (cli !== undefined) out[name] = spec.parse(cli, name);
      else if (env !== undefined) out[name] = spec.parse(env, `${name} (from ${envName(name)})`);
      else if (sources.values && name in sources.values) out[name] = spec.check(sources.values[name], name);
      else if (spec.default !== undefined) {
        const value = typeof spec.default === 'function' ? await (spec.default as () => unknown)() : spec.default;
        out[name] = spec.check(value, `${name} (default)`);
      } else {
        problems.push(`parameter '${name}' is required (${spec.describe}): pass --${flagName(name)} <value> or set ${envName(name)}`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new ParamValueError(`flow ${flowName}: invalid parameters:\n  - ${problems.join('\n  - ')}`);
  }
  return out;
}

/** Deep-freezes and wraps params so that any assignment in a step throws a clear error. */
export function readOnlyParams<T extends Record<string, unknown>>(values: T, step: string, onRead?: (name: string) => void): T {
  const deny = (what: string): never => {
    throw new TypeError(`parameters are read-only: step '${step}' tried to change ${what}; copy the value into an artifact instead`);
  };
  const wrap = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    return new Proxy(value as object, {
      get: (target, key, receiver) => {
        if (path === '' && typeof key === 'string' && onRead && Object.hasOwn(target, key)) onRead(key);
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof key === 'string' ? wrap(v, path ? `${path}.${key}` : key) : v;
      },
      set: (_t, key) => deny(`'${path ? `${path}.` : ''}${String(key)}'`),
      deleteProperty: (_t, key) => deny(`'${path ? `${path}.` : ''}${String(key)}'`),
      defineProperty: (_t, key) => deny(`'${path ? `${path}.` : ''}${String(key)}'`),
      setPrototypeOf: () => deny(`the prototype of '${path}'`),
    });
  };
  return wrap(values, '') as T;
}
