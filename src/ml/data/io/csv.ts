/**
 * CSV read/write (csv-parse / csv-stringify), streaming.
 *
 * Reading infers a type per column: every non-missing cell numeric → float64 (missing → NaN),
 * otherwise strings (missing → null). Writing puts NaN and null as empty cells, so a round trip
 * keeps numbers, strings and missing values; int32 columns come back as float64 unless `types`
 * says int32, and an empty string comes back as null.
 */
import { pipeline } from 'node:stream/promises';
import { parse, type Parser } from 'csv-parse';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { DataError } from '../../core/errors.js';
import type { Column, ColumnType } from '../column.js';
import { Table } from '../table.js';
import { columnFromCells } from './infer.js';
import { inputName, ioError, openInput, writeText, type Input, type Output } from './source.js';

export interface ReadCsvOptions {
  /** Field delimiter. Default ','. */
  readonly delimiter?: string;
  /** Whether the first record is a header. Default true. */
  readonly header?: boolean;
  /**
   * With a header: the columns to keep, in this order. Without a header: the names of all
   * columns (default column_0, column_1, …).
   */
  readonly columns?: readonly string[];
  /** Force column types; others are inferred. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Cells that mean "missing". Default ['']. */
  readonly missing?: readonly string[];
  /** Name of the input in error messages (default: the path). */
  readonly name?: string;
}

/** Reads a CSV file (path) or stream into a Table. Errors name the file, line and column. */
export async function readCsv(input: Input, options: ReadCsvOptions = {}): Promise<Table> {
  const source = inputName(input, options.name);
  const header = options.header ?? true;
  const cells: string[][] = [];
  const lines: number[] = [];
  let names: string[] | undefined = header ? undefined : (options.columns?.slice() ?? []);
  let pick: number[] | undefined;

  const onHeader = (record: string[]): void => {
    const all = headerNames(record, source);
    pick = options.columns?.map((c) => {
      const i = all.indexOf(c);
      if (i < 0) throw new DataError(`readCsv: ${source} has no column '${c}'; its header has ${all.map((n) => `'${n}'`).join(', ')}`);
      return i;
    });
    names = pick ? pick.map((i) => all[i]!) : all;
  };
  const onRecord = (record: string[], names: string[]): void => {
    if (cells.length === 0) {
      if (names.length === 0) names.push(...record.map((_, i) => `column_${i}`));
      if (!pick && names.length !== record.length) {
        throw new DataError(`readCsv: ${names.length} column names given but ${source} has ${record.length} fields per record`);
      }
      for (let c = 0; c < names.length; c++) cells.push([]);
    }
    if (pick) for (let c = 0; c < pick.length; c++) cells[c]!.push(record[pick[c]!]!);
    else for (let c = 0; c < record.length; c++) cells[c]!.push(record[c]!);
  };

  const parser: Parser = parse({
    delimiter: options.delimiter ?? ',',
    bom: true,
    skip_empty_lines: true,
    on_record: (record: string[], context) => {
      lines.push(context.lines);
      return record;
    },
  });
  parser.on('data', (record: string[]) => {
    try {
      if (names === undefined) {
        onHeader(record);
        lines.pop();
      } else onRecord(record, names);
    } catch (error) {
      // A listener must not throw into the stream; fail the pipeline instead.
      parser.destroy(error as Error);
    }
  });

  try {
    await pipeline(openInput(input), parser);
  } catch (error) {
    throw ioError('readCsv: cannot read', source, error);
  }
  if (names === undefined) throw new DataError(`readCsv: ${source} is empty; expected a header line`);
  const finalNames: string[] = names;
  for (const t of Object.keys(options.types ?? {})) {
    if (!finalNames.includes(t)) throw new DataError(`readCsv: types names column '${t}', which ${source} does not have`);
  }
  const missing = new Set(options.missing ?? ['']);
  const ctx = { source: `readCsv: ${source}`, missing, lineOf: (row: number) => lines[row] ?? row + 1 };
  const columns: [string, Column][] = finalNames.map((name, c) => [
    name,
    columnFromCells(name, cells[c] ?? [], ctx, options.types?.[name]),
  ]);
  return Table.fromEntries(columns);
}

function headerNames(record: string[], source: string): string[] {
  const names = record.map((n, i) => (n.trim() === '' ? `column_${i}` : n));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new DataError(`${source}: the header names column '${n}' twice; column names must be unique`);
    seen.add(n);
  }
  return names;
}

export interface WriteCsvOptions {
  /** Field delimiter. Default ','. */
  readonly delimiter?: string;
  /** Write a header line. Default true. */
  readonly header?: boolean;
}

/** Writes a Table as CSV to a path or stream; NaN and null become empty cells. */
export async function writeCsv(table: Table, output: Output, options: WriteCsvOptions = {}): Promise<void> {
  await writeText('writeCsv', output, csvChunks(table, options));
}

/** CSV text in batches of rows: csv-stringify's sync API per batch avoids per-record stream overhead. */
function* csvChunks(table: Table, options: WriteCsvOptions): Generator<string> {
  const cols = table.columnNames.map((n) => table.column(n));
  const delimiter = options.delimiter ?? ',';
  if (options.header ?? true) yield stringifySync([[...table.columnNames]], { delimiter });
  const batchRows = 4096;
  for (let start = 0; start < table.numRows; start += batchRows) {
    const end = Math.min(start + batchRows, table.numRows);
    const records: string[][] = [];
    for (let r = start; r < end; r++) records.push(cols.map((c) => formatCell(c, r)));
    yield stringifySync(records, { delimiter });
  }
}

function formatCell(column: Column, row: number): string {
  const v = column[row]!;
  if (v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  return v;
}
