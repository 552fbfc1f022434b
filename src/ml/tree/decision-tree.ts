/**
 * DecisionTreeClassifier and DecisionTreeRegressor: CART trees with scikit-learn's semantics and
 * defaults (gini / squared error, grown until pure, `x <= threshold` goes left).
 */
import { NotFittedError } from '../core/errors.js';
import { encodeLabels, registerModel, type Label, type Labels } from '../core/estimator.js';
import { Matrix, toMatrix, toVector, type MatrixLike } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { growTree } from './builder.js';
import {
  growParams,
  resolveGrowthOptions,
  type ClassificationCriterion,
  type ResolvedGrowthOptions,
  type TreeGrowthOptions,
} from './options.js';
import { argmax, predictInput } from './params.js';
import { rankFeatures } from './ranked.js';
import {
  accumulateLeafValues,
  addImpurityImportances,
  leafCount,
  normaliseImportances,
  treeDepth,
  type TreeState,
} from './tree-arrays.js';

export interface DecisionTreeClassifierOptions extends TreeGrowthOptions {
  /** Split quality: `'gini'` (default), `'entropy'` or `'log_loss'` (same as entropy). */
  readonly criterion?: ClassificationCriterion;
}

export interface DecisionTreeRegressorOptions extends TreeGrowthOptions {
  /** Split quality: `'squared_error'` (the only one, and the default). */
  readonly criterion?: 'squared_error';
}

export interface DecisionTreeState {
  readonly options: ResolvedGrowthOptions;
  readonly nFeatures: number;
  readonly tree: TreeState;
  readonly featureImportances: Float64Array;
  readonly classes?: Label[];
}

function all(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Fitted-tree inspection shared by both trees. */
abstract class FittedTree {
  protected fitted: { tree: TreeState; nFeatures: number; featureImportances: Float64Array } | undefined;

  protected abstract get owner(): string;

  protected mustBeFitted(method: string): { tree: TreeState; nFeatures: number; featureImportances: Float64Array } {
    if (!this.fitted) throw new NotFittedError(this.owner, method);
    return this.fitted;
  }

  protected finishFit(tree: TreeState, nFeatures: number): void {
    const imp = new Float64Array(nFeatures);
    addImpurityImportances(tree, imp);
    this.fitted = { tree, nFeatures, featureImportances: normaliseImportances(imp) };
  }

  /** The fitted node arrays (read-only view). */
  get tree(): TreeState {
    return this.mustBeFitted('tree').tree;
  }

  /** Number of features seen during fit. */
  get nFeatures(): number | undefined {
    return this.fitted?.nFeatures;
  }

  /** Normalised total impurity decrease per feature (sums to 1 unless the tree is a single leaf). */
  get featureImportances(): Float64Array {
    return this.mustBeFitted('featureImportances').featureImportances;
  }

  /** Depth of the fitted tree. */
  get depth(): number {
    return treeDepth(this.mustBeFitted('depth').tree);
  }

  /** Number of leaves of the fitted tree. */
  get nLeaves(): number {
    return leafCount(this.mustBeFitted('nLeaves').tree);
  }

  /** Leaf id reached by every row. */
  apply(x: MatrixLike): Int32Array {
    const { tree, nFeatures } = this.mustBeFitted('apply');
    const m = predictInput(this.owner, 'apply', x, nFeatures);
    const out = new Int32Array(m.rows);
    const { feature, threshold, left, right } = tree;
    for (let r = 0; r < m.rows; r++) {
      let node = 0;
      while (feature[node]! >= 0) node = m.data[r * m.cols + feature[node]!]! <= threshold[node]! ? left[node]! : right[node]!;
      out[r] = node;
    }
    return out;
  }
}

/** A CART classification tree. */
export class DecisionTreeClassifier extends FittedTree {
  readonly params: ResolvedGrowthOptions;
  private labels: Label[] | undefined;

  constructor(options: DecisionTreeClassifierOptions = {}) {
    super();
    this.params = resolveGrowthOptions('DecisionTreeClassifier', options, 'classification', null);
  }

  protected get owner(): string {
    return 'DecisionTreeClassifier';
  }

  /** Class labels in the column order of {@link predictProba}. */
  get classes(): readonly Label[] | undefined {
    return this.labels;
  }

  fit(x: MatrixLike, y: Labels): this {
    const m = toMatrix(x, { what: 'DecisionTreeClassifier.fit X' });
    const { classes, codes } = encodeLabels(y, m.rows, 'DecisionTreeClassifier.fit y');
    const params = growParams('DecisionTreeClassifier', this.params, m.rows, m.cols, classes.length);
    const tree = growTree(rankFeatures(m), { codes }, all(m.rows), undefined, params, new Random(this.params.seed));
    this.labels = classes;
    this.finishFit(tree, m.cols);
    return this;
  }

  /** Class probabilities (the training class frequencies of each row's leaf), rows × classes. */
  predictProba(x: MatrixLike): Matrix {
    return this.proba(x, 'predictProba');
  }

  predict(x: MatrixLike): Label[] {
    const proba = this.proba(x, 'predict');
    const labels = this.labels!;
    const out: Label[] = new Array<Label>(proba.rows);
    for (let r = 0; r < proba.rows; r++) out[r] = labels[argmax(proba.data, r * proba.cols, proba.cols)]!;
    return out;
  }

  private proba(x: MatrixLike, method: string): Matrix {
    const { tree, nFeatures } = this.mustBeFitted(method);
    const m = predictInput('DecisionTreeClassifier', method, x, nFeatures);
    const out = new Float64Array(m.rows * tree.nOutputs);
    accumulateLeafValues(tree, m.data, m.rows, m.cols, out);
    return new Matrix(m.rows, tree.nOutputs, out);
  }

  toState(): DecisionTreeState {
    const f = this.mustBeFitted('toState');
    return { options: this.params, nFeatures: f.nFeatures, tree: f.tree, featureImportances: f.featureImportances, classes: this.labels! };
  }

  static fromState(state: DecisionTreeState): DecisionTreeClassifier {
    const model = new DecisionTreeClassifier(state.options as DecisionTreeClassifierOptions);
    model.labels = state.classes ? [...state.classes] : [];
    model.fitted = { tree: state.tree, nFeatures: state.nFeatures, featureImportances: state.featureImportances };
    return model;
  }
}
registerModel(DecisionTreeClassifier);

/** A CART regression tree (leaf value = mean target of its training rows). */
export class DecisionTreeRegressor extends FittedTree {
  readonly params: ResolvedGrowthOptions;

  constructor(options: DecisionTreeRegressorOptions = {}) {
    super();
    this.params = resolveGrowthOptions('DecisionTreeRegressor', options, 'regression', null);
  }

  protected get owner(): string {
    return 'DecisionTreeRegressor';
  }

  fit(x: MatrixLike, y: ArrayLike<number>): this {
    const m = toMatrix(x, { what: 'DecisionTreeRegressor.fit X' });
    const values = toVector(y, m.rows, 'DecisionTreeRegressor.fit y');
    const params = growParams('DecisionTreeRegressor', this.params, m.rows, m.cols, 1);
    const tree = growTree(rankFeatures(m), { values }, all(m.rows), undefined, params, new Random(this.params.seed));
    this.finishFit(tree, m.cols);
    return this;
  }

  predict(x: MatrixLike): Float64Array {
    const { tree, nFeatures } = this.mustBeFitted('predict');
    const m = predictInput('DecisionTreeRegressor', 'predict', x, nFeatures);
    const out = new Float64Array(m.rows);
    accumulateLeafValues(tree, m.data, m.rows, m.cols, out);
    return out;
  }

  toState(): DecisionTreeState {
    const f = this.mustBeFitted('toState');
    return { options: this.params, nFeatures: f.nFeatures, tree: f.tree, featureImportances: f.featureImportances };
  }

  static fromState(state: DecisionTreeState): DecisionTreeRegressor {
    const model = new DecisionTreeRegressor(state.options as DecisionTreeRegressorOptions);
    model.fitted = { tree: state.tree, nFeatures: state.nFeatures, featureImportances: state.featureImportances };
    return model;
  }
}
registerModel(DecisionTreeRegressor);
