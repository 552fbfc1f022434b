/**
 * What every CLI command shares: the context it writes through, the usage error, and small
 * output helpers (aligned tables, JSON that survives Maps/BigInts/typed arrays, times, sizes).
 */
import { inspect } from 'node:util';
import { Client } from '../client/client.js';
import { ClientError } from '../client/errors.js';

/** Where a command writes, and which Sluice home it reads. */
export interface CliContext {
  /** Writes data output exactly as given (callers end lines with '\n'). */
  out(text: string): void;
  /** Writes diagnostics exactly as given (callers end lines with '\n'). */
  err(text: string): void;
  /** The Sluice home (SLUICE_HOME or ./.sluice). */
  home(): string;
}

/** Bad usage: `main` prints the message on one line and exits with code 2. */
export class CliUsageError extends Error {
  override readonly name: string = 'CliUsageError';
}

/**
 * Opens a client on the context's home for the duration of `fn`. Lookup errors (unknown flow,
 * run, step, task, bad pathspec) become usage errors: the user named something that is not there.
 */
export async function withClient<T>(context: CliContext, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ home: context.home() });
  try {
    return await fn(client);
  } catch (error) {
    if (error instanceof ClientError) throw new CliUsageError(oneLine(error.message), { cause: error });
    throw error;
  } finally {
    await client.close();
  }
}

/** Collapses a message onto one line (usage errors are printed on one). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

/** Commander option parser that collects a repeatable option into a list. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses a non-negative integer option value, naming the option when it is not one. */
export function parseCount(option: string, raw: string | undefined, { min = 0 } = {}): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new CliUsageError(`${option} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Left-aligned columns separated by two spaces; the header row is upper-cased. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `key  value` lines with the keys aligned. */
export function keyValues(pairs: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}

/** JSON replacer for values structured clone keeps but JSON does not. */
function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return null;
  if (value instanceof Map) {
    const entries = [...value.entries()];
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : entries;
  }
  if (value instanceof Set) return [...value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>);
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof RegExp) return String(value);
  return value;
}

/**
 * Pretty JSON of any stored value: BigInt → decimal string, Map → object (string keys) or
 * entry pairs, Set and typed arrays → arrays, Date → ISO string, undefined → null.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2) ?? 'null';
}

/** A value printed for people: util.inspect, truncated unless `full`. */
export function inspectValue(value: unknown, full = false): string {
  return inspect(value, {
    depth: full ? Infinity : 6,
    maxArrayLength: full ? Infinity : 100,
    maxStringLength: full ? Infinity : 10_000,
    breakLength: 100,
    colors: false,
    getters: true,
  });
}

/** A one-line preview of a value, at most `width` characters. */
export function preview(value: unknown, width = 60): string {
  const text = inspect(value, { depth: 1, maxArrayLength: 10, maxStringLength: width, breakLength: Infinity, compact: true, colors: false }).replace(
    /\s*\n\s*/g,
    ' ',
  );
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Local date and time, to the second: `2026-11-25 13:39:32`. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `850ms`, `3.4s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `512 B`, `4.0 KiB`, `1.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
