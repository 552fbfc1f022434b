/**
 * ColumnTransformer: applies a transformer to each group of columns and concatenates the results,
 * e.g. scale numeric columns and one-hot encode string columns of one Table.
 */
import { DataError, MLError, NotFittedError, ParamError } from '../core/errors.js';
import { registerModel, type Transformer } from '../core/estimator.js';
import { Matrix, toMatrix } from '../core/matrix.js';
import { checkFeatures, toFrame, type Frame, type TabularInput } from './frame.js';
import { decodeNested, encodeNested, type NestedState } from './nested.js';

/** A transformer usable inside a ColumnTransformer; it receives a column view of the input. */
export interface ColumnTransformerPart {
  fit(x: any): unknown;
  transform(x: any): Matrix;
  fitTransform?(x: any): Matrix;
  featureNamesOut?(): string[];
}

/** Columns by name (needs a named input) or by position. */
export type ColumnSelection = string | number | readonly (string | number)[];

/** [name, transformer | 'drop' | 'passthrough', columns]. */
export type ColumnTransformerEntry = readonly [name: string, transformer: ColumnTransformerPart | 'drop' | 'passthrough', columns: ColumnSelection];

export interface ColumnTransformerOptions {
  /** Columns not selected by any entry: dropped (default) or passed through unchanged. */
  readonly remainder?: 'drop' | 'passthrough';
  /** Prefix output names with the entry name (`num__age`), as sklearn does by default. Default true. */
  readonly verboseFeatureNamesOut?: boolean;
}

interface FittedLayout {
  readonly featureNames: string[];
  readonly named: boolean;
  /** Column positions of each entry, in entry order. */
  readonly selected: number[][];
  readonly remainder: number[];
  readonly outputNames: string[];
}

interface EntryState {
  readonly name: string;
  readonly kind: 'transformer' | 'drop' | 'passthrough';
  readonly columns: (string | number)[];
  readonly part: NestedState | null;
}

export interface ColumnTransformerState {
  readonly entries: EntryState[];
  readonly remainder: 'drop' | 'passthrough';
  readonly verboseFeatureNamesOut: boolean;
  readonly layout: FittedLayout;
}

function asList(sel: ColumnSelection): (string | number)[] {
  return typeof sel === 'string' || typeof sel === 'number' ? [sel] : [...sel];
}

export class ColumnTransformer implements Transformer {
  readonly transformers: readonly ColumnTransformerEntry[];
  readonly remainder: 'drop' | 'passthrough';
  readonly verboseFeatureNamesOut: boolean;
  private layout: FittedLayout | undefined;

  constructor(transformers: readonly ColumnTransformerEntry[], options: ColumnTransformerOptions = {}) {
    const seen = new Set<string>();
    for (const entry of transformers) {
      const [name, part] = entry;
      if (typeof name !== 'string' || name === '') throw new ParamError('ColumnTransformer: every entry needs a non-empty name');
      if (seen.has(name)) throw new ParamError(`ColumnTransformer: the name '${name}' is used by two entries; names must be unique`);
      if (name === 'remainder') throw new ParamError("ColumnTransformer: 'remainder' is reserved for the remainder columns; rename the entry");
      seen.add(name);
      if (part !== 'drop' && part !== 'passthrough' && (typeof part?.fit !== 'function' || typeof part.transform !== 'function')) {
        throw new ParamError(`ColumnTransformer: entry '${name}' must be a transformer (fit and transform), 'drop' or 'passthrough'`);
      }
    }
    this.transformers = transformers;
    this.remainder = options.remainder ?? 'drop';
    if (this.remainder !== 'drop' && this.remainder !== 'passthrough') {
      throw new ParamError(`ColumnTransformer: remainder must be 'drop' or 'passthrough', got ${JSON.stringify(this.remainder)}`);
    }
    this.verboseFeatureNamesOut = options.verboseFeatureNamesOut ?? true;
  }

  /** The fitted transformer of an entry. */
  namedTransformer(name: string): ColumnTransformerPart | 'drop' | 'passthrough' {
    const entry = this.transformers.find((e) => e[0] === name);
    if (!entry) throw new ParamError(`ColumnTransformer: no entry '${name}' (entries: ${this.transformers.map((e) => e[0]).join(', ')})`);
    return entry[1];
  }

  private resolve(frame: Frame, sel: ColumnSelection, entry: string): number[] {
    return asList(sel).map((col) => {
      if (typeof col === 'number') {
        if (!Number.isInteger(col) || col < 0 || col >= frame.columnNames.length) {
          throw new DataError(`ColumnTransformer: entry '${entry}' selects column ${col}, but X has ${frame.columnNames.length} columns`);
        }
        return col;
      }
      if (!frame.named) {
        throw new DataError(`ColumnTransformer: entry '${entry}' selects column '${col}' by name, but X has no column names; pass a Table or select by position`);
      }
      const i = frame.columnNames.indexOf(col);
      if (i < 0) {
        throw new DataError(`ColumnTransformer: entry '${entry}' selects column '${col}', which X does not have (columns: ${frame.columnNames.join(', ')})`);
      }
      return i;
    });
  }

  /** Runs one entry on its columns; wraps errors with the entry name. */
  private apply(entry: ColumnTransformerEntry, view: Frame, fit: boolean): Matrix {
    const [name, part] = entry;
    if (part === 'passthrough') return toMatrix(view, { what: `ColumnTransformer entry '${name}'`, allowNaN: true, allowEmpty: true });
    if (part === 'drop') throw new MLError('unreachable: dropped entries are not applied');
    try {
      if (!fit) return part.transform(view);
      if (typeof part.fitTransform === 'function') return part.fitTransform(view);
      part.fit(view);
      return part.transform(view);
    } catch (error) {
      if (error instanceof MLError && !error.message.startsWith('ColumnTransformer')) {
        error.message = `ColumnTransformer entry '${name}': ${error.message}`;
      }
      throw error;
    }
  }

  fitTransform(x: TabularInput): Matrix {
    const frame = toFrame(x, 'ColumnTransformer.fit');
    const selected = this.transformers.map(([name, , cols]) => this.resolve(frame, cols, name));
    const used = new Set(selected.flat());
    const remainder = frame.columnNames.map((_, i) => i).filter((i) => !used.has(i));
    const blocks: Matrix[] = [];
    const outputNames: string[] = [];
    this.transformers.forEach((entry, e) => {
      if (entry[1] === 'drop' || selected[e]!.length === 0) return;
      const out = this.apply(entry, frame.select(selected[e]!), true);
      blocks.push(out);
      const names = (typeof entry[1] !== 'string' && entry[1].featureNamesOut?.()) || out.columns || Array.from({ length: out.cols }, (_, i) => `${entry[0]}${i}`);
      outputNames.push(...names.map((n) => (this.verboseFeatureNamesOut ? `${entry[0]}__${n}` : n)));
    });
    if (this.remainder === 'passthrough' && remainder.length > 0) {
      blocks.push(this.apply(['remainder', 'passthrough', []], frame.select(remainder), true));
      outputNames.push(...remainder.map((i) => (this.verboseFeatureNamesOut ? `remainder__${frame.columnNames[i]}` : frame.columnNames[i]!)));
    }
    if (new Set(outputNames).size !== outputNames.length) {
      const dup = outputNames.find((n, i) => outputNames.indexOf(n) !== i);
      throw new DataError(`ColumnTransformer: output column '${dup}' occurs twice; keep verboseFeatureNamesOut true or rename columns`);
    }
    this.layout = { featureNames: [...frame.columnNames], named: frame.named, selected, remainder, outputNames };
    return this.concat(frame.numRows, blocks);
  }

  fit(x: TabularInput): this {
    this.fitTransform(x);
    return this;
  }

  transform(x: TabularInput): Matrix {
    const layout = this.layout;
    if (!layout) throw new NotFittedError('ColumnTransformer', 'transform');
    const frame = toFrame(x, 'ColumnTransformer.transform');
    // Named inputs are matched by name (extra columns are ignored); unnamed ones by position.
    const position = (i: number): number => (layout.named && frame.named ? frame.indexOf(layout.featureNames[i]!) : i);
    if (!(layout.named && frame.named)) checkFeatures('ColumnTransformer.transform', layout.featureNames, false, frame.columnNames, false);
    const blocks: Matrix[] = [];
    this.transformers.forEach((entry, e) => {
      const sel = layout.selected[e]!;
      if (entry[1] === 'drop' || sel.length === 0) return;
      blocks.push(this.apply(entry, frame.select(sel.map(position)), false));
    });
    if (this.remainder === 'passthrough' && layout.remainder.length > 0) {
      blocks.push(this.apply(['remainder', 'passthrough', []], frame.select(layout.remainder.map(position)), false));
    }
    return this.concat(frame.numRows, blocks);
  }

  private concat(rows: number, blocks: Matrix[]): Matrix {
    const names = this.layout!.outputNames;
    const width = blocks.reduce((n, b) => n + b.cols, 0);
    if (width !== names.length) {
      throw new DataError(`ColumnTransformer: the entries produced ${width} columns at transform but ${names.length} at fit`);
    }
    const out = new Float64Array(rows * width);
    let offset = 0;
    for (const b of blocks) {
      if (b.rows !== rows) throw new DataError(`ColumnTransformer: an entry returned ${b.rows} rows for ${rows} input rows`);
      for (let r = 0; r < rows; r++) out.set(b.data.subarray(r * b.cols, (r + 1) * b.cols), r * width + offset);
      offset += b.cols;
    }
    return new Matrix(rows, width, out, names);
  }

  featureNamesOut(): string[] {
    if (!this.layout) throw new NotFittedError('ColumnTransformer', 'featureNamesOut');
    return [...this.layout.outputNames];
  }

  toState(): ColumnTransformerState {
    if (!this.layout) throw new NotFittedError('ColumnTransformer', 'toState');
    return {
      entries: this.transformers.map(([name, part, cols]) => ({
        name,
        kind: typeof part === 'string' ? part : 'transformer',
        columns: asList(cols),
        part: typeof part === 'string' ? null : encodeNested(part, `ColumnTransformer entry '${name}'`),
      })),
      remainder: this.remainder,
      verboseFeatureNamesOut: this.verboseFeatureNamesOut,
      layout: this.layout,
    };
  }

  static fromState(state: ColumnTransformerState): ColumnTransformer {
    const entries: ColumnTransformerEntry[] = state.entries.map((e) => [
      e.name,
      e.kind === 'transformer' ? (decodeNested(e.part!, `ColumnTransformer entry '${e.name}'`) as ColumnTransformerPart) : e.kind,
      e.columns,
    ]);
    const ct = new ColumnTransformer(entries, { remainder: state.remainder, verboseFeatureNamesOut: state.verboseFeatureNamesOut });
    ct.layout = state.layout;
    return ct;
  }
}
registerModel(ColumnTransformer);
