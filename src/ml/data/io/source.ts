/** Shared plumbing for the readers and writers: opening inputs/outputs and naming them in errors. */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { DataError } from '../../core/errors.js';

/** A file path or an already-open stream. */
export type Input = string | Readable | NodeJS.ReadableStream;
export type Output = string | Writable | NodeJS.WritableStream;

/** How the input is named in error messages. */
export function inputName(input: Input | Output, name?: string): string {
  if (name !== undefined) return name;
  return typeof input === 'string' ? `'${input}'` : 'the input stream';
}

export function openInput(input: Input): Readable | NodeJS.ReadableStream {
  return typeof input === 'string' ? createReadStream(input) : input;
}

export function openOutput(output: Output): Writable | NodeJS.WritableStream {
  return typeof output === 'string' ? createWriteStream(output) : output;
}

/** Wraps a failure from a library or the file system as a DataError naming the file. */
export function ioError(what: string, source: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DataError(`${what} ${source}: ${message}`, { cause: error });
}

/**
 * Writes text chunks to a path (created or truncated, then closed) or to a stream (left open),
 * respecting backpressure. Errors name the output.
 */
export async function writeText(what: string, output: Output, chunks: Iterable<string>): Promise<void> {
  const out = openOutput(output) as NodeJS.WritableStream & NodeJS.EventEmitter;
  // Remember a stream error so it surfaces here rather than as an unhandled 'error' event.
  let failure: unknown;
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  out.on('error', onError);
  try {
    for (const chunk of chunks) {
      if (failure !== undefined) throw failure;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (failure !== undefined) throw failure;
    if (typeof output === 'string') {
      out.end();
      await finished(out);
    }
  } catch (error) {
    throw ioError(`${what}: cannot write`, inputName(output), error);
  } finally {
    out.off('error', onError);
  }
}
