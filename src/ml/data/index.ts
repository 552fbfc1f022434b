/** sluice/ml data: synthetic datasets, the columnar Table, its artifact codec, and file I/O. */
export {
  makeBlobs,
  makeClassification,
  makeRegression,
  type BlobsData,
  type ClassificationData,
  type MakeBlobsOptions,
  type MakeClassificationOptions,
  type MakeRegressionOptions,
  type RegressionData,
} from './datasets.js';
