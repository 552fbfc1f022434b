/**
 * Persisting estimators inside composite estimators (Pipeline, ColumnTransformer): each part is
 * encoded with its own registered codec and stored as (codec name, bytes).
 */
import { decodeValue, encodeValue } from '../../store/codecs.js';
import { MLError } from '../core/errors.js';

export interface NestedState {
  readonly codec: string;
  readonly bytes: Uint8Array;
}

function className(value: unknown): string {
  return (value as object | null)?.constructor?.name ?? typeof value;
}

/** Encodes a part; `what` names it in errors, e.g. `Pipeline step 'model'`. */
export function encodeNested(value: unknown, what: string): NestedState {
  let encoded;
  try {
    encoded = encodeValue(value);
  } catch (error) {
    throw new MLError(
      `${what} (${className(value)}) cannot be persisted: ${(error as Error).message}. Estimators need toState()/fromState() and registerModel(Class)`,
    );
  }
  const chunks = encoded.chunks;
  const bytes = chunks.length === 1 ? chunks[0]! : concat(chunks);
  return { codec: encoded.codec, bytes };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Decodes a part written by {@link encodeNested}. */
export function decodeNested(state: NestedState, what: string): unknown {
  try {
    return decodeValue(state.codec, state.bytes);
  } catch (error) {
    throw new MLError(`${what}: cannot restore ${state.codec}: ${(error as Error).message}`);
  }
}
