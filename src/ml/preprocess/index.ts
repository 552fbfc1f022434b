/** Preprocessing: scalers, imputer, categorical encoders, ColumnTransformer and Pipeline. */
export { compareCategories, type Category } from './categories.js';
export {
  ColumnTransformer,
  type ColumnSelection,
  type ColumnTransformerEntry,
  type ColumnTransformerOptions,
  type ColumnTransformerPart,
  type ColumnTransformerState,
} from './column-transformer.js';
export {
  OneHotEncoder,
  OrdinalEncoder,
  type OneHotEncoderOptions,
  type OneHotEncoderState,
  type OrdinalEncoderOptions,
  type OrdinalEncoderState,
} from './encoders.js';
export { Frame, toFrame, type CategoricalSource, type TabularInput } from './frame.js';
export { SimpleImputer, type ImputeStrategy, type SimpleImputerOptions, type SimpleImputerState } from './imputer.js';
export { makePipeline, Pipeline, type PipelineState, type PipelineStep, type PipelineStepObject } from './pipeline.js';
export {
  MinMaxScaler,
  StandardScaler,
  type MinMaxScalerOptions,
  type MinMaxScalerState,
  type StandardScalerOptions,
  type StandardScalerState,
} from './scalers.js';
