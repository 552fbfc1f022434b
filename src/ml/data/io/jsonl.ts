/**
 * JSON Lines read/write: one JSON object per line.
 *
 * Reading: numbers (and booleans, as 1/0) → float64, any string in a column → strings; null or an
 * absent key is missing. Writing: NaN and null are written as null, so missing values survive a
 * round trip (±Infinity, which JSON cannot hold, also become null).
 */
import { StringDecoder } from 'node:string_decoder';
import { DataError } from '../../core/errors.js';
import { describeCell, type ColumnType } from '../column.js';
import { Table } from '../table.js';
import { inputName, ioError, openInput, writeText, type Input, type Output } from './source.js';

export interface ReadJsonlOptions {
  /** Columns to keep, in this order (default: every key, in first-seen order). */
  readonly columns?: readonly string[];
  /** Force column types; others are inferred. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Name of the input in error messages (default: the path). */
  readonly name?: string;
}

/** Reads a JSON Lines file (path) or stream into a Table. Errors name the file, line and key. */
export async function readJsonl(input: Input, options: ReadJsonlOptions = {}): Promise<Table> {
  const source = inputName(input, options.name);
  const rows: Record<string, unknown>[] = [];
  let lineNo = 0;
  const onLine = (line: string): void => {
    lineNo++;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DataError(`readJsonl: ${source} line ${lineNo} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataError(`readJsonl: ${source} line ${lineNo} is ${describeCell(value)}; each line must be a JSON object`);
    }
    const row = value as Record<string, unknown>;
    for (const key in row) {
      const v = row[key];
      if (v !== null && typeof v === 'object') {
        throw new DataError(
          `readJsonl: ${source} line ${lineNo}, key '${key}' is ${describeCell(v)}; only numbers, strings, booleans and null fit a table column`,
        );
      }
    }
    rows.push(row);
  };
  try {
    // Split lines ourselves: errors of the input stream then reject this loop.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of openInput(input) as AsyncIterable<Buffer | string>) {
      const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const part of parts) onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
    }
    rest += decoder.end();
    if (rest !== '') onLine(rest);
  } catch (error) {
    throw ioError('readJsonl: cannot read', source, error);
  }
  return Table.fromRows(rows, { columns: options.columns, types: options.types });
}

/** Writes a Table as JSON Lines to a path or stream. */
export async function writeJsonl(table: Table, output: Output): Promise<void> {
  await writeText('writeJsonl', output, jsonlChunks(table));
}

/** The table as JSON Lines text, in chunks of about 64 KiB. */
function* jsonlChunks(table: Table): Generator<string> {
  const cols = table.columnNames.map((n) => table.column(n));
  // Keys are JSON-escaped once; each row is assembled as text.
  const keys = table.columnNames.map((n) => `${JSON.stringify(n)}:`);
  let batch = '';
  for (let r = 0; r < table.numRows; r++) {
    let line = '{';
    for (let c = 0; c < cols.length; c++) {
      const v = cols[c]![r]!;
      line += `${c > 0 ? ',' : ''}${keys[c]}${typeof v === 'number' && !Number.isFinite(v) ? 'null' : JSON.stringify(v)}`;
    }
    batch += `${line}}\n`;
    if (batch.length > 1 << 16) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
