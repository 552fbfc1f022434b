/**
 * How values cross to and from map workers. Plain data goes by structured clone as is. Class
 * instances with a registered codec (a model, a matrix, a table) — at the top or nested in plain
 * objects and arrays — are encoded with their codec, so they arrive as instances of their class
 * rather than plain objects. Anything else structured clone would mangle or refuse is found
 * before it is sent.
 */
import { decodeValue, encodeValue } from '../../store/codecs.js';

const TAG = '__sluiceCodec';

/** A codec-encoded value on its way to another thread. */
export interface Encoded {
  readonly [TAG]: string;
  readonly bytes: Uint8Array;
}

/** Whether structured clone keeps this object as it is (plain data, typed arrays, builtins). */
function cloneable(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (
    proto === Object.prototype ||
    proto === Array.prototype ||
    proto === null ||
    ArrayBuffer.isView(value) ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof ArrayBuffer ||
    value instanceof Boolean ||
    value instanceof Number ||
    value instanceof String
  );
}

/** Whether the value itself is an object structured clone would strip of its class. */
export function needsCodec(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !cloneable(value);
}

function encodeOne(value: object): Encoded | undefined {
  const encoded = encodeValue(value);
  if (encoded.codec === 'v8') return undefined;
  const total = encoded.chunks.reduce((s, c) => s + c.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of encoded.chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { [TAG]: encoded.codec, bytes };
}

/** What a walk over a value found: the first problem (with its path), and whether codecs are needed. */
export interface Scan {
  readonly problem?: string;
  readonly codec: boolean;
}

const OK: Scan = { codec: false };

/** Walks a value: functions, symbols and class instances without a codec are problems. */
export function scan(value: unknown, path = '', seen?: Set<object>): Scan {
  const where = path || 'the value';
  if (typeof value === 'function') return { problem: `${where} is a function`, codec: false };
  if (typeof value === 'symbol') return { problem: `${where} is a symbol`, codec: false };
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return OK;
  if (!cloneable(value)) {
    try {
      return encodeOne(value) ? { codec: true } : { problem: `${where} is an instance of class ${value.constructor?.name ?? '?'}`, codec: false };
    } catch (error) {
      return { problem: `${where}: ${(error as Error).message}`, codec: false };
    }
  }
  const visited = seen ?? new Set<object>();
  if (visited.has(value)) return OK;
  visited.add(value);
  let codec = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol')) continue;
      const s = scan(v, `${path}[${i}]`, visited);
      if (s.problem) return s;
      codec ||= s.codec;
    }
    return codec ? { codec } : OK;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const s = scan(k, `${path}<key>`, visited);
      const t = s.problem ? s : scan(v, `${path}.get(${String(k)})`, visited);
      if (t.problem) return t;
      if (s.codec || t.codec) return { problem: `${where} holds a class instance in a Map; put it in a plain object or array`, codec: false };
    }
    return OK;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const s = scan(v, `${path}<set member>`, visited);
      if (s.problem) return s;
      if (s.codec) return { problem: `${where} holds a class instance in a Set; put it in a plain array`, codec: false };
    }
    return OK;
  }
  for (const key of Object.keys(value)) {
    const s = scan((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, visited);
    if (s.problem) return s;
    codec ||= s.codec;
  }
  return codec ? { codec } : OK;
}

/** The first reason the value cannot reach a worker intact, or undefined. */
export function transferProblem(value: unknown): string | undefined {
  return scan(value).problem;
}

/** Replaces class instances that have codecs (at any depth in plain objects and arrays) by their encodings. */
export function encodeForTransfer(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (!cloneable(value)) return encodeOne(value) ?? value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || typeof v !== 'object') continue;
      const e = encodeForTransfer(v);
      if (e !== v) (out ??= [...value])[i] = e;
    }
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v !== 'object') continue;
    const e = encodeForTransfer(v);
    if (e !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = e;
  }
  return out ?? value;
}

/** Undoes {@link encodeForTransfer}. */
export function decodeFromTransfer(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (TAG in value) {
    const e = value as Encoded;
    return decodeValue(e[TAG], e.bytes);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object') value[i] = decodeFromTransfer(v);
    }
    return value;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) if (v !== null && typeof v === 'object') (value as Record<string, unknown>)[k] = decodeFromTransfer(v);
  }
  return value;
}

/** Whether any value (of those at `indices`) holds a class instance that travels by codec. */
export function anyNeedsCodec(values: readonly unknown[], indices?: ArrayLike<number>): boolean {
  const count = indices ? indices.length : values.length;
  for (let k = 0; k < count; k++) {
    const v = values[indices ? indices[k]! : k];
    if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && scan(v).codec) return true;
  }
  return false;
}
