import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, NotFittedError } from '../../../src/ml/core/errors.js';
import { registerModel, type Label } from '../../../src/ml/core/estimator.js';
import { Matrix, toMatrix, type MatrixLike } from '../../../src/ml/core/matrix.js';
import {
  ColumnTransformer,
  makePipeline,
  MinMaxScaler,
  OneHotEncoder,
  Pipeline,
  SimpleImputer,
  StandardScaler,
  type CategoricalSource,
} from '../../../src/ml/preprocess/index.js';
import { Table } from '../../../src/ml/data/table.js';
import { scorer } from '../../../src/ml/metrics/index.js';
import { decodeValue, encodeValue } from '../../../src/store/codecs.js';

function table(columns: Record<string, unknown[]>): CategoricalSource {
  const names = Object.keys(columns);
  return { numRows: columns[names[0]!]!.length, columnNames: names, column: (name) => columns[name]! };
}

function roundTrip<T>(value: T): T {
  const encoded = encodeValue(value);
  return decodeValue(encoded.codec, encoded.chunks[0]!) as T;
}

/** Predicts 1 when the named column's value exceeds a threshold learned as the mean of that column. */
class MeanThreshold {
  classes: Label[] | undefined;
  threshold = 0;
  constructor(readonly column = 0) {}
  fit(x: MatrixLike, y: readonly Label[]): this {
    const m = toMatrix(x);
    this.threshold = m.column(this.column).reduce((a, b) => a + b, 0) / m.rows;
    this.classes = [...new Set(y)].sort();
    return this;
  }
  predict(x: MatrixLike): number[] {
    return Array.from(toMatrix(x).column(this.column), (v) => (v > this.threshold ? 1 : 0));
  }
  predictProba(x: MatrixLike): Matrix {
    return Matrix.fromRows(this.predict(x).map((p) => [1 - p, p]));
  }
  toState(): { column: number; threshold: number; classes: Label[] } {
    return { column: this.column, threshold: this.threshold, classes: this.classes ?? [] };
  }
  static fromState(s: { column: number; threshold: number; classes: Label[] }): MeanThreshold {
    return Object.assign(new MeanThreshold(s.column), { threshold: s.threshold, classes: s.classes });
  }
}
registerModel(MeanThreshold);

const people = table({ age: [20, 40, 60], city: ['b', 'a', 'b'], income: [1, 2, 3] });

function makeCt(remainder: 'drop' | 'passthrough' = 'passthrough'): ColumnTransformer {
  return new ColumnTransformer(
    [
      ['num', new MinMaxScaler(), ['age']],
      ['cat', new OneHotEncoder(), 'city'],
    ],
    { remainder },
  );
}

void describe('ColumnTransformer', () => {
  void it('applies each transformer to its columns and names outputs entry__feature', () => {
    const ct = makeCt();
    const out = ct.fitTransform(people);
    assert.deepEqual(out.columns, ['num__age', 'cat__city_a', 'cat__city_b', 'remainder__income']);
    assert.deepEqual(out.toRows(), [
      [0, 0, 1, 1],
      [0.5, 1, 0, 2],
      [1, 0, 1, 3],
    ]);
    assert.deepEqual(makeCt('drop').fit(people).featureNamesOut(), ['num__age', 'cat__city_a', 'cat__city_b']);
  });

  void it('matches columns by name at transform time, whatever their order', () => {
    const ct = makeCt().fit(people);
    const reordered = table({ income: [9], city: ['a'], age: [30], extra: ['ignored'] });
    assert.deepEqual(ct.transform(reordered).toRows(), [[0.25, 1, 0, 9]]);
    assert.throws(() => ct.transform(table({ age: [1], city: ['a'] })), /no column 'income'/);
  });

  void it('selects by position in unnamed input and reports errors with the entry name', () => {
    const ct = new ColumnTransformer([['scale', new StandardScaler(), [1]]], { remainder: 'drop' });
    assert.deepEqual(ct.fitTransform([[0, 1], [0, 3]]).toRows(), [[-1], [1]]);
    assert.throws(
      () => new ColumnTransformer([['cat', new OneHotEncoder(), ['city']]]).fit([[1]]),
      (e: unknown) => e instanceof DataError && /entry 'cat' selects column 'city' by name, but X has no column names/.test(e.message),
    );
    assert.throws(
      () => makeCt().fit(people).transform(table({ age: [1], city: ['z'], income: [0] })),
      /ColumnTransformer entry 'cat': OneHotEncoder.transform: column 'city' has unknown category 'z'/,
    );
    assert.throws(() => makeCt().transform(people), NotFittedError);
  });

  void it('works on the ml Table (string and numeric columns, missing strings as a category)', () => {
    const t = Table.fromColumns({ age: [20, 40, 60], city: ['b', null, 'b'], income: [1, 2, 3] });
    const out = makeCt().fitTransform(t);
    assert.deepEqual(out.columns, ['num__age', 'cat__city_b', 'cat__city_nan', 'remainder__income']);
    assert.deepEqual(out.toRows()[1], [0.5, 0, 1, 2]);
  });

  void it('round-trips with its fitted parts', () => {
    const restored = roundTrip(makeCt().fit(people));
    assert.deepEqual(restored.transform(people).toRows()[1], [0.5, 1, 0, 2]);
  });
});

void describe('Pipeline', () => {
  const y = [0, 0, 1];

  void it('fits transformers then the estimator, and passes data through on predict', () => {
    const p = new Pipeline([
      ['prep', makeCt('drop')],
      ['model', new MeanThreshold(0)],
    ]).fit(people, y);
    // After MinMax, ages are [0, 0.5, 1] with mean 0.5: only the 60-year-old is above.
    assert.deepEqual(p.predict(people), [0, 0, 1]);
    assert.deepEqual(p.predict(table({ age: [55], city: ['a'], income: [0] })), [1]);
    assert.deepEqual(p.predictProba!(people).toRows()[2], [0, 1]);
    // Only what the final step can do is present (sklearn's available_if), so duck-typing works.
    assert.equal(typeof p.decisionFunction, 'undefined');
    assert.equal(p.estimatorType, 'classifier');
    assert.equal(scorer('roc_auc').score(p, people, y), 1);
    assert.deepEqual(p.classes, [0, 1]);
  });

  void it('reports a regressor final step as a regressor', () => {
    const reg = { fit: () => undefined, predict: (rows: Matrix) => new Float64Array(rows.rows) };
    const p = new Pipeline([['s', new StandardScaler()], ['r', reg]]);
    assert.equal(p.estimatorType, 'regressor');
    assert.equal(typeof p.predictProba, 'undefined');
  });

  void it('transforms when every step is a transformer', () => {
    const p = makePipeline(new SimpleImputer(), new StandardScaler());
    assert.deepEqual(p.steps.map(([n]) => n), ['simpleimputer', 'standardscaler']);
    assert.deepEqual(p.fitTransform([[1], [Number.NaN], [3]]).toRows(), [[-Math.sqrt(1.5)], [0], [Math.sqrt(1.5)]]);
  });

  void it('round-trips when all steps are persistable, and explains when one is not', () => {
    const p = new Pipeline([
      ['prep', makeCt('drop')],
      ['model', new MeanThreshold(0)],
    ]).fit(people, y);
    const restored = roundTrip(p);
    assert.ok(restored instanceof Pipeline);
    assert.deepEqual(restored.predict(table({ age: [55], city: ['a'], income: [0] })), [1]);
    const adHoc = new Pipeline([['model', { fit: () => undefined, predict: () => [1] }]]).fit([[1]], [1]);
    assert.throws(() => encodeValue(adHoc), /Pipeline step 'model' \(Object\) cannot be persisted/);
  });

  void it('refuses predict before fit and non-transformers in the middle', () => {
    assert.throws(() => new Pipeline([['s', new StandardScaler()]]).transform([[1]]), NotFittedError);
    assert.throws(() => new Pipeline([['m', new MeanThreshold()], ['s', new StandardScaler()]]), /step 'm' \(MeanThreshold\) is not last, so it must be a transformer/);
    assert.throws(
      () => new Pipeline([['s', new StandardScaler()]]).fit([[1, 2]]).transform([[1]]),
      /Pipeline step 's': StandardScaler.transform: X has 1 columns/,
    );
  });
});
