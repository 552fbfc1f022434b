/**
 * Parquet read (hyparquet + hyparquet-compressors) and write (hyparquet-writer).
 * The libraries are loaded on first use so importing sluice/ml stays light.
 *
 * Types: DOUBLE/FLOAT/INT64/BOOLEAN → float64 (null → NaN), INT32 → int32 (float64 when it has
 * nulls), strings → strings, dates/timestamps → ISO strings. Written files use DOUBLE (NaN kept
 * as NaN), INT32 and nullable STRING columns.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { ColumnData, FileMetaData, SchemaTree } from 'hyparquet';
import { DataError } from '../../core/errors.js';
import type { Column } from '../column.js';
import { Table } from '../table.js';
import { columnFromValues } from './convert.js';
import { ioError } from './source.js';

export interface ReadParquetOptions {
  /** Columns to read, in this order (default: all). */
  readonly columns?: readonly string[];
}

/** Reads a Parquet file (path) or its bytes into a Table. */
export async function readParquet(input: string | Uint8Array, options: ReadParquetOptions = {}): Promise<Table> {
  const where = `readParquet ${typeof input === 'string' ? `'${input}'` : '(bytes)'}`;
  const { parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (error) {
    throw ioError('readParquet: cannot read', `'${input as string}'`, error);
  }
  // hyparquet reads from an AsyncBuffer: an object with byteLength and slice().
  const file = {
    byteLength: bytes.byteLength,
    slice: (start: number, end?: number) => {
      const part = bytes.subarray(start, end);
      return part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer;
    },
  };
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw ioError(where, 'is not a Parquet file:', error);
  }
  const top = parquetSchema(metadata).children;
  const byName = new Map<string, SchemaTree>(top.map((c) => [c.element.name, c]));
  const names = options.columns ? [...options.columns] : top.map((c) => c.element.name);
  for (const name of names) {
    const node = byName.get(name);
    if (!node) throw new DataError(`${where}: no column '${name}'; columns are ${[...byName.keys()].map((n) => `'${n}'`).join(', ')}`);
    if (node.children.length > 0) {
      throw new DataError(`${where}: column '${name}' is nested (struct, list or map), which a Table cannot hold; select other columns`);
    }
  }

  const numRows = Number(metadata.num_rows);
  const chunks = new Map<string, ColumnData[]>(names.map((n) => [n, []]));
  try {
    await parquetRead({
      file,
      metadata,
      compressors,
      columns: names,
      onChunk: (chunk) => chunks.get(chunk.columnName)?.push(chunk),
    });
  } catch (error) {
    throw ioError(where, 'failed:', error);
  }
  const entries = names.map((name): [string, Column] => {
    const element = byName.get(name)!.element;
    const logical = element.logical_type?.type;
    const isInt32 = element.type === 'INT32' && (logical === undefined || logical === 'INTEGER') && element.converted_type !== 'DATE';
    return [name, columnFromValues(name, assemble(chunks.get(name)!, numRows), isInt32, where)];
  });
  return entries.length > 0 ? Table.fromEntries(entries) : Table.empty([]);
}

/** Places row-group chunks at their row offsets; one typed array when every chunk has the same type. */
function assemble(chunks: readonly ColumnData[], numRows: number): ArrayLike<unknown> {
  const first = chunks[0]?.columnData;
  if (chunks.length === 1 && first !== undefined && first.length === numRows) return first;
  const Ctor = first && !Array.isArray(first) ? (first.constructor as new (n: number) => { set(a: ArrayLike<unknown>, o: number): void }) : undefined;
  const sameTyped = Ctor !== undefined && chunks.every((c) => c.columnData.constructor === Ctor);
  const out: { set?(a: ArrayLike<unknown>, o: number): void; [i: number]: unknown } = sameTyped ? new Ctor(numRows) : new Array<unknown>(numRows).fill(null);
  for (const { columnData, rowStart, rowEnd } of chunks) {
    const count = Math.min(rowEnd, numRows) - rowStart;
    if (sameTyped) out.set!((columnData as ArrayLike<unknown> & { subarray(s: number, e: number): ArrayLike<unknown> }).subarray(0, count), rowStart);
    else for (let i = 0; i < count; i++) out[rowStart + i] = columnData[i];
  }
  return out as ArrayLike<unknown>;
}

export interface WriteParquetOptions {
  /** Default 'SNAPPY'. */
  readonly compression?: 'SNAPPY' | 'UNCOMPRESSED';
  /** Rows per row group (default: the library's). */
  readonly rowGroupSize?: number;
}

/** The Table as Parquet file bytes. */
export async function toParquet(table: Table, options: WriteParquetOptions = {}): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const columnData = table.schema().map(({ name, type }) => {
    const data = table.column(name);
    if (type === 'float64') return { name, data, type: 'DOUBLE' as const, nullable: false };
    if (type === 'int32') return { name, data, type: 'INT32' as const, nullable: false };
    return { name, data, type: 'STRING' as const, nullable: true };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    codec: options.compression ?? 'SNAPPY',
    ...(options.rowGroupSize !== undefined ? { rowGroupSize: options.rowGroupSize } : {}),
  });
  return new Uint8Array(buffer);
}

/** Writes the Table as a Parquet file. */
export async function writeParquet(table: Table, path: string, options: WriteParquetOptions = {}): Promise<void> {
  const bytes = await toParquet(table, options);
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw ioError('writeParquet: cannot write', `'${path}'`, error);
  }
}
