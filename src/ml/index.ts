/**
 * sluice/ml: a TypeScript ML toolkit — data, preprocessing, models, model selection, metrics.
 * A plain library: it imports nothing of the runtime. Importing it registers the artifact codecs
 * of its tables and models, so they can be returned from steps. Re-exports only.
 */
export { Random } from './core/random.js';
export { MLError, DataError, NotFittedError, ParamError } from './core/errors.js';
// Importing the codec registers `ml.Matrix` with the artifact store.
import './core/matrix-codec.js';
export { Matrix, toMatrix, toVector, type MatrixLike, type ColumnSource, type ToMatrixOptions } from './core/matrix.js';
export { registerModel, encodeLabels, type Classifier, type Regressor, type Transformer, type Label, type Labels, type Persistable } from './core/estimator.js';
export * from './data/index.js';
export * from './preprocess/index.js';
export * from './metrics/index.js';
export * from './linear/index.js';
export * from './neighbors/index.js';
export * from './naive-bayes/index.js';
export * from './cluster/index.js';
export * from './tree/index.js';
export * from './ensemble/index.js';
export * from './neural/index.js';
export * from './selection/index.js';
