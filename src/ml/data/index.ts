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
export { Table, type ColumnSchema, type FromRowsOptions, type Row, type TableSchema } from './table.js';
export type { CellValue, Column, ColumnInput, ColumnType, StringColumn } from './column.js';
export type { ColumnSummary, NumericSummary, StringSummary } from './describe.js';
// Importing the codec registers `ml.Table` with the artifact store.
export { decodeTable, encodeTable } from './codec.js';
export { readCsv, writeCsv, type ReadCsvOptions, type WriteCsvOptions } from './io/csv.js';
export { readJsonl, writeJsonl, type ReadJsonlOptions } from './io/jsonl.js';
export { readParquet, toParquet, writeParquet, type ReadParquetOptions, type WriteParquetOptions } from './io/parquet.js';
export { fromArrowIPC, readArrow, toArrowIPC, writeArrow, type ReadArrowOptions, type WriteArrowOptions } from './io/arrow.js';
export type { Input as DataInput, Output as DataOutput } from './io/source.js';
