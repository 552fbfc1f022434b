/**
 * Per-task-attempt stdout/stderr on local disk:
 * `<root>/<flow>/<runId>/<step>/<taskId>.<attempt>.<stream>`.
 *
 * A log file is created on the first non-empty write, so a task that prints nothing leaves no
 * file. Writers append through one file descriptor; readers may read while a task still writes.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreError } from './errors.js';
import type { LogKey, LogStore, LogStream, LogWriter } from './types.js';

const STREAMS: ReadonlySet<string> = new Set<LogStream>(['stdout', 'stderr']);

/** Rejects names that could escape the logs directory or are not portable file names. */
function safePart(what: string, value: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new StoreError(`log ${what} '${String(value)}' is not a usable path part (it must be a non-empty name, not '.' or '..')`);
  }
  if (/[/\\\0]/.test(value)) {
    throw new StoreError(`log ${what} '${value.replace(/\0/g, '\\0')}' contains '/', '\\' or NUL, which could escape the logs directory`);
  }
  return value;
}

function safeCount(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StoreError(`log ${what} ${String(value)} must be a non-negative integer`);
  }
  return value;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/**
 * How many leading bytes of `bytes` form complete UTF-8 characters, so a live tail never
 * splits a character across two reads.
 */
function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  // A character is at most 4 bytes: look back at most 3 for the start of an incomplete one.
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

class FsLogWriter implements LogWriter {
  private fd: number | undefined;
  private closed = false;

  constructor(private readonly path: string) {}

  write(chunk: string | Uint8Array): void {
    if (this.closed) throw new StoreError(`log ${this.path} is closed; open a new writer to append`);
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (data.byteLength === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    let offset = 0;
    while (offset < data.byteLength) offset += writeSync(this.fd, data, offset, data.byteLength - offset);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** {@link LogStore} over a directory (`<home>/logs`). */
export class FsLogStore implements LogStore {
  readonly kind = 'fs';

  constructor(
    /** The logs directory; created on the first write. */
    readonly root: string,
  ) {}

  /** The file a log lives in (whether or not it exists). Throws StoreError for unsafe key parts. */
  pathOf(key: LogKey, stream: LogStream): string {
    if (!STREAMS.has(stream)) throw new StoreError(`log stream '${String(stream)}' is not one of stdout, stderr`);
    return join(
      this.root,
      safePart('flow name', key.flow),
      safePart('run id', key.runId),
      safePart('step name', key.step),
      `${safeCount('task id', key.taskId)}.${safeCount('attempt', key.attempt)}.${stream}`,
    );
  }

  open(key: LogKey, stream: LogStream): LogWriter {
    return new FsLogWriter(this.pathOf(key, stream));
  }

  read(key: LogKey, stream: LogStream): string {
    try {
      return readFileSync(this.pathOf(key, stream), 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return '';
      throw error;
    }
  }

  readFrom(key: LogKey, stream: LogStream, offset: number): { text: string; nextOffset: number } {
    safeCount('read offset', offset);
    let fd: number;
    try {
      fd = openSync(this.pathOf(key, stream), 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { text: '', nextOffset: offset };
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return { text: '', nextOffset: offset };
      const buffer = Buffer.allocUnsafe(size - offset);
      let filled = 0;
      while (filled < buffer.length) {
        const read = readSync(fd, buffer, filled, buffer.length - filled, offset + filled);
        if (read === 0) break;
        filled += read;
      }
      const usable = completeUtf8Length(buffer.subarray(0, filled));
      return { text: buffer.toString('utf8', 0, usable), nextOffset: offset + usable };
    } finally {
      closeSync(fd);
    }
  }
}
