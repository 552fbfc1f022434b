/**
 * Categorical encoders: OneHotEncoder (one 0/1 column per category) and OrdinalEncoder (one integer
 * code per category). Both read string or numeric columns of a Table, rows, or a Matrix; categories
 * are sorted like sklearn (numbers ascending, strings lexically, missing last).
 */
import { DataError, NotFittedError, ParamError } from '../core/errors.js';
import { registerModel, type Transformer } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import {
  checkGivenCategories,
  formatCategory,
  listCategories,
  quoteCategory,
  readCategorical,
  uniqueCategories,
  type Category,
  type CategoricalColumns,
} from './categories.js';
import { checkFeatures, type TabularInput } from './frame.js';

interface FittedCategories {
  readonly featureNames: string[];
  readonly named: boolean;
  readonly categories: Category[][];
}

/** Learns categories per column: the given lists (checked against the data) or the sorted distinct values. */
function learnCategories(
  what: string,
  data: CategoricalColumns,
  given: readonly (readonly Category[])[] | undefined,
  strict: boolean,
  keepMissing: boolean,
): Category[][] {
  if (!given) return data.columns.map((col) => uniqueCategories(col).filter((c) => keepMissing || c !== null));
  const lists = checkGivenCategories(what, given, data.names);
  if (strict) {
    lists.forEach((list, c) => {
      const known = new Set(list);
      data.columns[c]!.forEach((v, r) => {
        if (!known.has(v) && (keepMissing || v !== null)) {
          throw new DataError(
            `${what}: column '${data.names[c]}' has category ${quoteCategory(v)} at row ${r}, which is not in the given categories (${listCategories(list)})`,
          );
        }
      });
    });
  }
  return lists;
}

function unknownError(what: string, column: string, value: Category, row: number, known: readonly Category[], fix: string): DataError {
  return new DataError(
    `${what}: column '${column}' has unknown category ${quoteCategory(value)} at row ${row} (known: ${listCategories(known)}); ${fix}`,
  );
}

export interface OneHotEncoderOptions {
  /** 'auto' (learn from the data) or one list of categories per column. */
  readonly categories?: 'auto' | readonly (readonly Category[])[];
  /** Unseen category in transform: 'error' (default) or 'ignore' (all zeros for that column). */
  readonly handleUnknown?: 'error' | 'ignore';
  /** Drop the first category of every column, or only of two-category columns. Default: keep all. */
  readonly drop?: 'first' | 'if_binary';
}

export interface OneHotEncoderState extends FittedCategories {
  readonly handleUnknown: 'error' | 'ignore';
  readonly drop: 'first' | 'if_binary' | null;
  /** Index of the dropped category per column, or -1. */
  readonly dropIndex: number[];
}

/**
 * One-hot encodes every input column. Output columns are named `<column>_<category>` (sklearn's
 * `get_feature_names_out`); missing values form their own category 'nan'.
 */
export class OneHotEncoder implements Transformer {
  readonly handleUnknown: 'error' | 'ignore';
  readonly drop: 'first' | 'if_binary' | undefined;
  private readonly givenCategories: readonly (readonly Category[])[] | undefined;
  private fitted: OneHotEncoderState | undefined;

  constructor(options: OneHotEncoderOptions = {}) {
    this.handleUnknown = options.handleUnknown ?? 'error';
    if (this.handleUnknown !== 'error' && this.handleUnknown !== 'ignore') {
      throw new ParamError(`OneHotEncoder: handleUnknown must be 'error' or 'ignore', got ${JSON.stringify(this.handleUnknown)}`);
    }
    this.drop = options.drop;
    if (this.drop !== undefined && this.drop !== 'first' && this.drop !== 'if_binary') {
      throw new ParamError(`OneHotEncoder: drop must be 'first', 'if_binary' or undefined, got ${JSON.stringify(this.drop)}`);
    }
    const cats = options.categories ?? 'auto';
    if (cats !== 'auto' && !Array.isArray(cats)) throw new ParamError(`OneHotEncoder: categories must be 'auto' or one list per column`);
    this.givenCategories = cats === 'auto' ? undefined : cats;
  }

  /** Categories per input column, in output order (undefined before fit). */
  get categories(): Category[][] | undefined {
    return this.fitted?.categories;
  }

  fit(x: TabularInput): this {
    const what = 'OneHotEncoder.fit';
    const data = readCategorical(x, what);
    const categories = learnCategories(what, data, this.givenCategories, this.handleUnknown === 'error', true);
    const dropIndex = categories.map((cats) => (this.drop === 'first' || (this.drop === 'if_binary' && cats.length === 2) ? 0 : -1));
    this.fitted = {
      featureNames: data.names,
      named: data.named,
      categories,
      handleUnknown: this.handleUnknown,
      drop: this.drop ?? null,
      dropIndex,
    };
    return this;
  }

  private state(method: string): OneHotEncoderState {
    if (!this.fitted) throw new NotFittedError('OneHotEncoder', method);
    return this.fitted;
  }

  featureNamesOut(): string[] {
    const f = this.state('featureNamesOut');
    const out: string[] = [];
    f.categories.forEach((cats, c) => {
      cats.forEach((cat, k) => {
        if (k !== f.dropIndex[c]) out.push(`${f.featureNames[c]}_${formatCategory(cat)}`);
      });
    });
    return out;
  }

  transform(x: TabularInput): Matrix {
    const what = 'OneHotEncoder.transform';
    const f = this.state('transform');
    const data = readCategorical(x, what);
    checkFeatures(what, f.featureNames, f.named, data.names, data.named);
    const names = this.featureNamesOut();
    const width = names.length;
    const out = new Float64Array(data.rows * width);
    let offset = 0;
    f.categories.forEach((cats, c) => {
      const index = new Map<Category, number>(cats.map((cat, k) => [cat, k]));
      const dropped = f.dropIndex[c]!;
      const col = data.columns[c]!;
      for (let r = 0; r < data.rows; r++) {
        const k = index.get(col[r]!);
        if (k === undefined) {
          if (f.handleUnknown === 'error') {
            throw unknownError(what, f.featureNames[c]!, col[r]!, r, cats, "set handleUnknown: 'ignore' to encode unseen categories as all zeros");
          }
          continue;
        }
        if (k === dropped) continue;
        out[r * width + offset + (dropped >= 0 && k > dropped ? k - 1 : k)] = 1;
      }
      offset += cats.length - (dropped >= 0 ? 1 : 0);
    });
    return new Matrix(data.rows, width, out, names);
  }

  fitTransform(x: TabularInput): Matrix {
    return this.fit(x).transform(x);
  }

  toState(): OneHotEncoderState {
    return this.state('toState');
  }

  static fromState(state: OneHotEncoderState): OneHotEncoder {
    const e = new OneHotEncoder({ handleUnknown: state.handleUnknown, ...(state.drop ? { drop: state.drop } : {}) });
    e.fitted = state;
    return e;
  }
}
registerModel(OneHotEncoder);

export interface OrdinalEncoderOptions {
  /** 'auto' (sorted distinct values) or one list per column, whose order gives the codes. */
  readonly categories?: 'auto' | readonly (readonly Category[])[];
  /** Unseen category in transform: 'error' (default) or 'use_encoded_value' (then `unknownValue`). */
  readonly handleUnknown?: 'error' | 'use_encoded_value';
  /** Code for unseen categories with 'use_encoded_value': an integer that is not a category code, or NaN. */
  readonly unknownValue?: number;
  /** Code for missing values. Default NaN. */
  readonly encodedMissingValue?: number;
}

export interface OrdinalEncoderState extends FittedCategories {
  readonly handleUnknown: 'error' | 'use_encoded_value';
  readonly unknownValue: number | null;
  readonly encodedMissingValue: number;
}

/** Encodes each column's categories as 0..k-1 (one output column per input column, same names). */
export class OrdinalEncoder implements Transformer {
  readonly handleUnknown: 'error' | 'use_encoded_value';
  readonly unknownValue: number | undefined;
  readonly encodedMissingValue: number;
  private readonly givenCategories: readonly (readonly Category[])[] | undefined;
  private fitted: OrdinalEncoderState | undefined;

  constructor(options: OrdinalEncoderOptions = {}) {
    this.handleUnknown = options.handleUnknown ?? 'error';
    if (this.handleUnknown !== 'error' && this.handleUnknown !== 'use_encoded_value') {
      throw new ParamError(`OrdinalEncoder: handleUnknown must be 'error' or 'use_encoded_value', got ${JSON.stringify(this.handleUnknown)}`);
    }
    this.unknownValue = options.unknownValue;
    if (this.handleUnknown === 'use_encoded_value') {
      const u = this.unknownValue;
      if (u === undefined || !(Number.isInteger(u) || Number.isNaN(u))) {
        throw new ParamError(`OrdinalEncoder: unknownValue must be an integer or NaN when handleUnknown is 'use_encoded_value', got ${String(u)}`);
      }
    } else if (this.unknownValue !== undefined) {
      throw new ParamError(`OrdinalEncoder: unknownValue is only used with handleUnknown 'use_encoded_value'; set that too, or drop unknownValue`);
    }
    this.encodedMissingValue = options.encodedMissingValue ?? Number.NaN;
    const cats = options.categories ?? 'auto';
    if (cats !== 'auto' && !Array.isArray(cats)) throw new ParamError(`OrdinalEncoder: categories must be 'auto' or one list per column`);
    this.givenCategories = cats === 'auto' ? undefined : cats;
  }

  get categories(): Category[][] | undefined {
    return this.fitted?.categories;
  }

  fit(x: TabularInput): this {
    const what = 'OrdinalEncoder.fit';
    const data = readCategorical(x, what);
    const categories = learnCategories(what, data, this.givenCategories, this.handleUnknown === 'error', false).map((cats) =>
      cats.filter((c) => c !== null),
    );
    const u = this.unknownValue;
    if (u !== undefined && !Number.isNaN(u)) {
      const clash = categories.findIndex((cats) => u >= 0 && u < cats.length);
      if (clash >= 0) {
        throw new ParamError(
          `OrdinalEncoder: unknownValue ${u} is already the code of category ${quoteCategory(categories[clash]![u]!)} in column '${data.names[clash]}'; use -1 or NaN`,
        );
      }
    }
    this.fitted = {
      featureNames: data.names,
      named: data.named,
      categories,
      handleUnknown: this.handleUnknown,
      unknownValue: u ?? null,
      encodedMissingValue: this.encodedMissingValue,
    };
    return this;
  }

  private state(method: string): OrdinalEncoderState {
    if (!this.fitted) throw new NotFittedError('OrdinalEncoder', method);
    return this.fitted;
  }

  featureNamesOut(): string[] {
    return [...this.state('featureNamesOut').featureNames];
  }

  transform(x: TabularInput): Matrix {
    const what = 'OrdinalEncoder.transform';
    const f = this.state('transform');
    const data = readCategorical(x, what);
    checkFeatures(what, f.featureNames, f.named, data.names, data.named);
    const cols = f.categories.length;
    const out = new Float64Array(data.rows * cols);
    f.categories.forEach((cats, c) => {
      const index = new Map<Category, number>(cats.map((cat, k) => [cat, k]));
      const col = data.columns[c]!;
      for (let r = 0; r < data.rows; r++) {
        const v = col[r]!;
        let code: number | undefined = v === null ? f.encodedMissingValue : index.get(v);
        if (code === undefined) {
          if (f.handleUnknown === 'error' || f.unknownValue === null) {
            throw unknownError(what, f.featureNames[c]!, v, r, cats, "set handleUnknown: 'use_encoded_value' with unknownValue (e.g. -1) to encode unseen categories");
          }
          code = f.unknownValue;
        }
        out[r * cols + c] = code;
      }
    });
    return new Matrix(data.rows, cols, out, [...f.featureNames]);
  }

  fitTransform(x: TabularInput): Matrix {
    return this.fit(x).transform(x);
  }

  toState(): OrdinalEncoderState {
    return this.state('toState');
  }

  static fromState(state: OrdinalEncoderState): OrdinalEncoder {
    const e = new OrdinalEncoder({
      handleUnknown: state.handleUnknown,
      ...(state.unknownValue !== null ? { unknownValue: state.unknownValue } : {}),
      encodedMissingValue: state.encodedMissingValue,
    });
    e.fitted = state;
    return e;
  }
}
registerModel(OrdinalEncoder);
