/**
 * Reading a window of a task log: from an offset, or the tail, at most `limit` bytes, never
 * splitting a UTF-8 character. The file is named by the log store from a task record, so no
 * request string ever becomes a path.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FsLogStore } from '../store/logs.js';
import type { LogKey, LogStore, LogStream } from '../store/types.js';

export interface LogWindow {
  readonly offset: number;
  readonly nextOffset: number;
  readonly size: number;
  readonly text: string;
  readonly more: boolean;
}

/** Bytes at the start that are UTF-8 continuation bytes (a window must not start mid-character). */
function leadingContinuation(bytes: Uint8Array): number {
  let n = 0;
  while (n < bytes.length && n < 3 && (bytes[n]! & 0xc0) === 0x80) n++;
  return n;
}

/** How many leading bytes form whole UTF-8 characters. */
function completeLength(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

export interface WindowOptions {
  /** Start here (bytes); ignored when `tail` is given. */
  readonly offset?: number;
  /** Read the last `tail` bytes instead (starting at a line boundary when possible). */
  readonly tail?: number;
  /** At most this many bytes. */
  readonly limit: number;
}

/** Reads a window of a log; a log that does not exist (yet) is empty. */
export function readLogWindow(logs: LogStore, key: LogKey, stream: LogStream, options: WindowOptions): LogWindow {
  if (!(logs instanceof FsLogStore)) {
    // Other backends: read from the offset and cut (no size information beyond what was read).
    const { text, nextOffset } = logs.readFrom(key, stream, options.offset ?? 0);
    const cut = Buffer.from(text, 'utf8').subarray(0, options.limit);
    const usable = completeLength(cut);
    const offset = options.offset ?? 0;
    return { offset, nextOffset: offset + usable, size: nextOffset, text: cut.toString('utf8', 0, usable), more: offset + usable < nextOffset };
  }
  let fd: number;
  try {
    fd = openSync(logs.pathOf(key, stream), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { offset: 0, nextOffset: options.offset ?? 0, size: 0, text: '', more: false };
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    let start = options.tail !== undefined ? Math.max(0, size - options.tail) : Math.min(options.offset ?? 0, size);
    const length = Math.min(options.limit, size - start);
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(fd, buffer, filled, length - filled, start + filled);
      if (n === 0) break;
      filled += n;
    }
    let bytes = buffer.subarray(0, filled);
    if (start > 0) {
      let skip = leadingContinuation(bytes);
      // A tail starts at the next whole line when there is one.
      if (options.tail !== undefined) {
        const newline = bytes.indexOf(10);
        if (newline >= 0 && newline < bytes.length - 1) skip = newline + 1;
      }
      bytes = bytes.subarray(skip);
      start += skip;
    }
    const usable = completeLength(bytes);
    return { offset: start, nextOffset: start + usable, size, text: bytes.toString('utf8', 0, usable), more: start + usable < size };
  } finally {
    closeSync(fd);
  }
}
