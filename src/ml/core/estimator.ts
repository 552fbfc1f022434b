/**
 * Shared shapes of estimators, and how fitted models become artifacts.
 *
 * Every model class implements `toState()` (plain data + typed arrays only) and a static
 * `fromState()`, and is registered once with {@link registerModel} so the artifact store can save
 * and load it (and, later, the model registry can version it).
 */
import { deserialize, serialize } from 'node:v8';
import { registerCodec } from '../../store/codecs.js';
import { DataError } from './errors.js';
import type { Matrix, MatrixLike } from './matrix.js';

/** Class labels: numbers or strings. */
export type Labels = ArrayLike<number> | readonly string[];
export type Label = number | string;

export interface Classifier {
  fit(x: MatrixLike, y: Labels): this;
  predict(x: MatrixLike): Label[];
  /** rows × classes, in the order of `classes`. */
  predictProba?(x: MatrixLike): Matrix;
  readonly classes: readonly Label[] | undefined;
}

export interface Regressor {
  fit(x: MatrixLike, y: ArrayLike<number>): this;
  predict(x: MatrixLike): Float64Array;
}

export interface Transformer {
  fit(x: MatrixLike): this;
  transform(x: MatrixLike): Matrix;
  fitTransform(x: MatrixLike): Matrix;
}

/** A model that can be persisted. */
export interface Persistable<S> {
  toState(): S;
}

export interface PersistableClass<T extends Persistable<S>, S> {
  readonly name: string;
  new (...args: any[]): T;
  fromState(state: S): T;
}

/**
 * Registers a model class as an artifact codec named `ml.<ClassName>`.
 * Call once at module load, right after the class definition.
 */
export function registerModel<T extends Persistable<S>, S>(cls: PersistableClass<T, S>): void {
  registerCodec<T>({
    name: `ml.${cls.name}`,
    test: (value) => value instanceof cls,
    encode: (value) => serialize(value.toState()),
    decode: (bytes) => cls.fromState(deserialize(bytes) as S),
    describe: () => `ml.${cls.name}`,
  });
}

/** Maps arbitrary labels to class indices 0..k-1 (classes sorted: numbers ascending, strings lexically). */
export function encodeLabels(y: Labels, rows: number, what = 'y'): { classes: Label[]; codes: Int32Array } {
  if (y.length !== rows) throw new DataError(`${what}: has ${y.length} labels but X has ${rows} rows`);
  const values: Label[] = Array.from(y as ArrayLike<Label>);
  const kind = typeof values[0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== kind || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new DataError(`${what}: label at row ${i} is ${String(v)}; labels must all be finite numbers or all strings`);
    }
  }
  const classes = [...new Set(values)].sort((a, b) => (typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0));
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  const codes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) codes[i] = index.get(values[i]!)!;
  return { classes, codes };
}
