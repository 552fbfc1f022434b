/**
 * What the SQLite tracking modules share: the connection with a statement cache, multi-row
 * inserts, and page tokens.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import { TrackingValueError } from '../../tracking/values.js';

/** One connection and its prepared statements (statements are prepared lazily: tests may run older schemas). */
export interface SqlContext {
  readonly db: Database.Database;
  stmt(sql: string): Database.Statement;
}

export function sqlContext(db: Database.Database): SqlContext {
  const statements = new Map<string, Database.Statement>();
  return {
    db,
    stmt(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Rows per multi-row INSERT (a power of two; 9 columns × 256 rows stays far below SQLite's variable limit). */
const MAX_ROWS = 256;

/** Inserts rows with few statements: chunks of powers of two, each prepared once. */
export function insertMany(ctx: SqlContext, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], suffix = ''): void {
  const row = `(${columns.map(() => '?').join(', ')})`;
  let start = 0;
  while (start < rows.length) {
    let size = MAX_ROWS;
    while (size > rows.length - start) size >>= 1;
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${new Array<string>(size).fill(row).join(', ')}${suffix}`;
    const args: unknown[] = [];
    for (let i = start; i < start + size; i++) for (const value of rows[i]!) args.push(value);
    ctx.stmt(sql).run(args);
    start += size;
  }
}

/** Calls `fn` with consecutive slices of at most `size` items (IN lists stay bounded). */
export function inSlices<T>(items: readonly T[], size: number, fn: (slice: readonly T[]) => void): void {
  for (let i = 0; i < items.length; i += size) fn(items.slice(i, i + size));
}

export const placeholders = (n: number): string => new Array<string>(n).fill('?').join(', ');

/** Parses a JSON column, naming it when the store is corrupt. */
export function parseColumn<T>(text: string | null, what: string): T | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StoreError(`${what} holds invalid JSON (${(error as Error).message}); the metadata store is corrupt`);
  }
}

/**
 * Page tokens: the offset of the next page plus a fingerprint of the query, so a token replayed
 * with another filter is refused instead of silently skipping rows.
 */
export function makePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint }), 'utf8').toString('base64url');
}

export function readPageToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined || token === '') return 0;
  let parsed: { o?: unknown; q?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
  } catch {
    throw new PageTokenError(`page token ${JSON.stringify(token)} is not one this server issued; pass the next_page_token of the previous page`);
  }
  if (typeof parsed.o !== 'number' || !Number.isSafeInteger(parsed.o) || parsed.o < 0) {
    throw new PageTokenError(`page token ${JSON.stringify(token)} is malformed; pass the next_page_token of the previous page`);
  }
  if (parsed.q !== fingerprint) {
    throw new PageTokenError('page token belongs to a different query (filter, order or page size changed); start again without a token');
  }
  return parsed.o;
}

/** A page token that is malformed or belongs to another query. */
export class PageTokenError extends TrackingValueError {
  override readonly name: string = 'PageTokenError';
}

/** A cheap, stable fingerprint of a query's shape for page tokens. */
export function fingerprint(parts: readonly unknown[]): string {
  const text = JSON.stringify(parts);
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(36);
}

/** Validates a page size; `fallback` when absent. */
export function pageSize(limit: number | undefined, fallback: number, max: number, what: string): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw new TrackingValueError(`${what}: max_results ${String(limit)} must be an integer from 1 to ${max}`);
  }
  return limit;
}
