/**
 * Codecs turn artifact values into bytes and back.
 *
 * Order of choice when a value is stored: an explicitly named codec; a registered codec whose
 * `test` accepts the value (class instances: models, tables); raw bytes for typed arrays;
 * otherwise V8 structured clone (Map, Set, Date, RegExp, BigInt, typed arrays nested anywhere).
 * Values structured clone would silently mangle (class instances lose their prototype) or cannot
 * carry (functions, symbols) are refused with a message saying what to do.
 */
import { deserialize, serialize } from 'node:v8';

/** How values of one kind are stored. Register with {@link registerCodec}. */
export interface Codec<T = unknown> {
  /** Stable name recorded with every artifact; never reuse a name for a different format. */
  readonly name: string;
  /** Whether this codec handles the value (checked in registration order, newest first). */
  test(value: unknown): boolean;
  encode(value: T): Uint8Array | readonly Uint8Array[];
  decode(bytes: Uint8Array): T;
  /** Short human-readable type, e.g. `Table(1000×12)`. */
  describe?(value: T): string;
}

/** An encoded value, ready for the blob store. */
export interface Encoded {
  readonly codec: string;
  readonly chunks: readonly Uint8Array[];
  readonly type: string;
}

/** A value that cannot be stored, or bytes that cannot be read back. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}

// One registry per process, even when several copies of this module are loaded (a flow importing
// the built package while the runtime runs from source): codecs registered by either are seen by both.
const REGISTRY_KEY = Symbol.for('sluice.codecs.registry');
const registered: Codec<any>[] = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??= []) as Codec<any>[];

/** Registers a codec; a codec with the same name replaces the earlier one. */
export function registerCodec<T>(codec: Codec<T>): void {
  if (BUILTIN.has(codec.name)) throw new CodecError(`codec name '${codec.name}' is reserved for a built-in codec`);
  const existing = registered.findIndex((c) => c.name === codec.name);
  if (existing >= 0) registered.splice(existing, 1);
  registered.unshift(codec);
}

/** Names of the codecs currently registered (built-ins first). */
export function codecNames(): string[] {
  return [...BUILTIN.keys(), ...registered.map((c) => c.name)];
}

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type AnyTypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

function typedArrayName(value: unknown): TypedArrayName | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  const name = value.constructor.name;
  if (Buffer.isBuffer(value)) return 'Uint8Array';
  return name in TYPED_ARRAYS ? (name as TypedArrayName) : undefined;
}

function viewBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const v8Codec: Codec = {
  name: 'v8',
  test: () => true,
  encode: (value) => serialize(value),
  decode: (bytes) => deserialize(bytes),
};

const jsonCodec: Codec = {
  name: 'json',
  test: () => false,
  encode: (value) => {
    const text = JSON.stringify(value);
    if (text === undefined) throw new CodecError('value has no JSON form (undefined, a function or a symbol)');
    return Buffer.from(text, 'utf8');
  },
  decode: (bytes) => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')),
};

function rawCodec(name: TypedArrayName): Codec<AnyTypedArray> {
  const Ctor = TYPED_ARRAYS[name];
  return {
    name: `raw:${name}`,
    test: (value) => typedArrayName(value) === name,
    encode: (value) => viewBytes(value),
    decode: (bytes) => {
      const width = Ctor.BYTES_PER_ELEMENT;
      if (bytes.byteLength % width !== 0) {
        throw new CodecError(`raw:${name} blob has ${bytes.byteLength} bytes, not a multiple of ${width}`);
      }
      // Typed arrays need aligned offsets; copy only when the buffer is not aligned.
      // (new Uint8Array(bytes) copies; Buffer#slice would return a view at the same bad offset.)
      const aligned = bytes.byteOffset % width === 0 ? bytes : new Uint8Array(bytes);
      return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / width) as AnyTypedArray;
    },
    describe: (value) => `${name}(${value.length})`,
  };
}

const BUILTIN = new Map<string, Codec<any>>([
  ['v8', v8Codec],
  ['json', jsonCodec],
  ...Object.keys(TYPED_ARRAYS).map((name) => [`raw:${name}`, rawCodec(name as TypedArrayName)] as const),
]);

function findCodec(name: string): Codec<any> | undefined {
  return BUILTIN.get(name) ?? registered.find((c) => c.name === name);
}

const CLONEABLE = new Set<unknown>([
  Object.prototype,
  Array.prototype,
  null,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  Error.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
]);

/**
 * Finds the first part of a value structured clone cannot store faithfully.
 * Returns a description with the path to it, or undefined when the value is fine.
 */
export function findUnstorable(value: unknown, path = '', seen = new Set<object>()): string | undefined {
  if (typeof value === 'function') return `${path || 'the value'} is a function`;
  if (typeof value === 'symbol') return `${path || 'the value'} is a symbol`;
  if (value === null || typeof value !== 'object') return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!CLONEABLE.has(proto) && !(value instanceof Error)) {
    const cls = (value as object).constructor?.name ?? 'an object with a custom prototype';
    // Structured clone would store a registered class's instance as a plain object (prototype lost):
    // its codec applies only to a whole artifact.
    const codec = registered.find((c) => c.test(value));
    if (codec) {
      return `${path || 'the value'} is an instance of class ${cls} inside another value; its codec '${codec.name}' stores it only as an artifact of its own, so return it under its own name`;
    }
    return `${path || 'the value'} is an instance of class ${cls}, which has no codec`;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const found = findUnstorable(k, `${path}<key ${i}>`, seen) ?? findUnstorable(v, `${path}.get(${String(k)})`, seen);
      if (found) return found;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = findUnstorable(v, `${path}<set member>`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Primitives dominate big arrays; skip the call for them.
      if (item !== null && (typeof item === 'object' || typeof item === 'function' || typeof item === 'symbol')) {
        const found = findUnstorable(item, `${path}[${i}]`, seen);
        if (found) return found;
      }
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const found = findUnstorable((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, seen);
    if (found) return found;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (value instanceof Date) return 'Date';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/**
 * Encodes a value for storage. Throws {@link CodecError} saying what is unstorable and how to fix it.
 */
export function encodeValue(value: unknown, options: { readonly codec?: string } = {}): Encoded {
  let codec: Codec<any> | undefined;
  if (options.codec !== undefined) {
    codec = findCodec(options.codec);
    if (!codec) throw new CodecError(`unknown codec '${options.codec}' (known: ${codecNames().join(', ')})`);
    if (codec.name.startsWith('raw:') && !codec.test(value)) {
      throw new CodecError(`codec '${codec.name}' stores only a ${codec.name.slice(4)}, and the value is ${describeValue(value)}`);
    }
  } else {
    codec = registered.find((c) => c.test(value));
    if (!codec) {
      const typed = typedArrayName(value);
      codec = (typed && BUILTIN.get(`raw:${typed}`)) || v8Codec;
    }
  }
  if (codec === v8Codec) {
    const problem = findUnstorable(value);
    if (problem) {
      throw new CodecError(
        `${problem}; return plain data (objects, arrays, Map, Set, Date, typed arrays), or register a codec for the class with registerCodec()`,
      );
    }
  }
  let chunks: Uint8Array | readonly Uint8Array[];
  try {
    chunks = codec.encode(value);
  } catch (error) {
    throw new CodecError(`codec '${codec.name}' could not encode the value: ${(error as Error).message}`);
  }
  const type = codec.describe ? codec.describe(value) : codec.name.startsWith('raw:') ? codec.name : describeValue(value);
  return { codec: codec.name, chunks: chunks instanceof Uint8Array ? [chunks] : chunks, type };
}

/** Decodes bytes written by {@link encodeValue} with the named codec. */
export function decodeValue(codecName: string, bytes: Uint8Array): unknown {
  const codec = findCodec(codecName);
  if (!codec) {
    throw new CodecError(
      `no codec '${codecName}' is registered in this process; import the module that registers it (for models and tables: 'sluice/ml')`,
    );
  }
  try {
    return codec.decode(bytes);
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError(`codec '${codecName}' could not decode ${bytes.byteLength} bytes: ${(error as Error).message}`);
  }
}
