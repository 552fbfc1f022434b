/**
 * How values cross to and from map workers. Plain data goes by structured clone as is. A class
 * instance with a registered codec (a model, a table) is encoded with its codec, so it arrives as
 * an instance of its class rather than a plain object; anything else structured clone would
 * mangle or refuse is found before it is sent.
 */
import { decodeValue, encodeValue, findUnstorable } from '../../store/codecs.js';

const TAG = '__sluiceCodec';

/** A codec-encoded value on its way to another thread. */
export interface Encoded {
  readonly [TAG]: string;
  readonly bytes: Uint8Array;
}

/** Whether structured clone keeps this value's prototype (plain data, typed arrays, builtins). */
function plainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === Array.prototype || proto === null || ArrayBuffer.isView(value) || value instanceof Map ||
    value instanceof Set || value instanceof Date || value instanceof RegExp || value instanceof Error || value instanceof ArrayBuffer;
}

/** Whether the value is an object structured clone would strip of its class (so it needs its codec). */
export function needsCodec(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !plainPrototype(value);
}

/** Wraps a class instance with its codec; returns plain data unchanged. Throws naming the problem. */
export function encodeForTransfer(value: unknown): unknown {
  if (!needsCodec(value)) return value;
  const encoded = encodeValue(value);
  if (encoded.codec === 'v8') return value;
  const total = encoded.chunks.reduce((s, c) => s + c.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of encoded.chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { [TAG]: encoded.codec, bytes } satisfies Encoded;
}

/** Undoes {@link encodeForTransfer}. */
export function decodeFromTransfer(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && TAG in value) {
    const e = value as Encoded;
    return decodeValue(e[TAG], e.bytes);
  }
  return value;
}

/**
 * What keeps a value from reaching a worker intact: a function, a symbol, or a class instance
 * nested inside plain data (a top-level instance with a codec is fine). Undefined when it can go.
 */
export function transferProblem(value: unknown): string | undefined {
  if (needsCodec(value)) {
    try {
      encodeForTransfer(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
  return findUnstorable(value);
}

/** Whether any value in the list is a class instance that travels by codec. */
export function anyNeedsCodec(values: readonly unknown[], indices?: ArrayLike<number>): boolean {
  if (indices) {
    for (let i = 0; i < indices.length; i++) if (needsCodec(values[indices[i]!])) return true;
    return false;
  }
  for (let i = 0; i < values.length; i++) if (needsCodec(values[i])) return true;
  return false;
}
