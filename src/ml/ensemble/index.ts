/** Tree ensembles: random forests and histogram gradient boosting. */
export {
  RandomForestClassifier,
  RandomForestRegressor,
  type ForestOptions,
  type RandomForestClassifierOptions,
  type RandomForestRegressorOptions,
  type RandomForestState,
  type ResolvedForestOptions,
} from './random-forest.js';
export {
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  type GradientBoostingOptions,
  type GradientBoostingState,
  type ResolvedBoostingOptions,
} from './gradient-boosting.js';
export type { HistTreeState } from './hist/grower.js';
