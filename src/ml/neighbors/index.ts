/** Nearest-neighbour models (brute force). */
export { KNeighborsClassifier, KNeighborsRegressor } from './knn.js';
export type { KNeighborsClassifierState, KNeighborsOptions, KNeighborsRegressorState } from './knn.js';
export { kNearest } from './search.js';
export type { Neighbours } from './search.js';
