/** Decision trees (CART) with scikit-learn semantics. */
export {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  type DecisionTreeClassifierOptions,
  type DecisionTreeRegressorOptions,
  type DecisionTreeState,
} from './decision-tree.js';
export type { ClassificationCriterion, ResolvedGrowthOptions, TreeGrowthOptions } from './options.js';
export type { MaxFeatures } from './params.js';
export type { TreeState } from './tree-arrays.js';
