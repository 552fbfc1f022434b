import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodecError, decodeValue, encodeValue, registerCodec } from '../../src/store/codecs.js';

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

function roundTrip(value: unknown, codec?: string): { codec: string; type: string; back: unknown } {
  const encoded = encodeValue(value, codec === undefined ? {} : { codec });
  return { codec: encoded.codec, type: encoded.type, back: decodeValue(encoded.codec, concat(encoded.chunks)) };
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

class Unregistered {
  value = 1;
}

void describe('codecs: structured clone (v8)', () => {
  void it('keeps Map, Set, Date, BigInt, RegExp and nested typed arrays', () => {
    const value = {
      map: new Map<string, number>([
        ['a', 1],
        ['b', 2],
      ]),
      set: new Set([1, 2, 3]),
      when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      big: 12345678901234567890n,
      pattern: /ab+c/gi,
      nested: { weights: new Float32Array([0.5, 1.5]), ids: new BigInt64Array([1n, -2n]) },
      list: [1, 'two', null],
    };
    const { codec, type, back } = roundTrip(value);
    assert.equal(codec, 'v8');
    assert.equal(type, 'object');
    assert.deepEqual(back, value);
    const b = back as typeof value;
    assert.ok(b.map instanceof Map && b.map.get('b') === 2);
    assert.ok(b.set instanceof Set && b.set.has(3));
    assert.equal(b.when.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.equal(b.big, 12345678901234567890n);
    assert.ok(b.nested.weights instanceof Float32Array);
  });

  void it('stores a top-level BigInt and describes containers', () => {
    assert.equal(roundTrip(-7n).back, -7n);
    assert.equal(encodeValue([1, 2, 3]).type, 'Array(3)');
    assert.equal(encodeValue(new Map([[1, 2]])).type, 'Map(1)');
  });
});

void describe('codecs: raw typed arrays', () => {
  void it('uses raw:<Type> for every typed array kind and round-trips the values', () => {
    const cases: [string, ArrayBufferView & { length: number }][] = [
      ['Float64Array', new Float64Array([1.5, -2.25, Math.PI])],
      ['Float32Array', new Float32Array([0.5, 4])],
      ['Int32Array', new Int32Array([-1, 2, 2147483647])],
      ['Uint8Array', new Uint8Array([0, 255, 7])],
      ['Int16Array', new Int16Array([-32768, 5])],
      ['BigUint64Array', new BigUint64Array([18446744073709551615n])],
    ];
    for (const [name, array] of cases) {
      const { codec, type, back } = roundTrip(array);
      assert.equal(codec, `raw:${name}`);
      assert.equal(type, `${name}(${array.length})`);
      assert.equal((back as object).constructor.name, name);
      assert.deepEqual(back, array);
    }
  });

  void it('stores only the view of a subarray, not its whole buffer', () => {
    const whole = new Float64Array([1, 2, 3, 4, 5]);
    const encoded = encodeValue(whole.subarray(1, 3));
    assert.equal(concat(encoded.chunks).byteLength, 16);
    assert.deepEqual(decodeValue(encoded.codec, concat(encoded.chunks)), new Float64Array([2, 3]));
  });

  void it('decodes bytes at an unaligned offset, also from a Buffer', () => {
    const source = new Float64Array([1.25, -8, 1e300]);
    const raw = new Uint8Array(source.buffer);
    const backing = new Uint8Array(raw.byteLength + 3);
    backing.set(raw, 3);
    const unalignedView = backing.subarray(3);
    assert.deepEqual(decodeValue('raw:Float64Array', unalignedView), source);
    const unalignedBuffer = Buffer.from(backing.buffer, 3, raw.byteLength);
    assert.equal(unalignedBuffer.byteOffset % 8, 3);
    const back = decodeValue('raw:Float64Array', unalignedBuffer) as Float64Array;
    assert.equal(back.byteOffset % 8, 0);
    assert.deepEqual(back, source);
  });

  void it('decodes an aligned blob without copying', () => {
    const bytes = new Uint8Array(new Float64Array([1, 2]).buffer);
    const back = decodeValue('raw:Float64Array', bytes) as Float64Array;
    assert.equal(back.buffer, bytes.buffer);
  });

  void it('refuses a blob whose length is not a multiple of the element size', () => {
    assert.throws(() => decodeValue('raw:Float64Array', new Uint8Array(12)), {
      name: 'CodecError',
      message: /raw:Float64Array blob has 12 bytes, not a multiple of 8/,
    });
  });

  void it('refuses an explicit raw codec for a value of another type', () => {
    assert.throws(() => encodeValue([1, 2], { codec: 'raw:Float64Array' }), {
      name: 'CodecError',
      message: /codec 'raw:Float64Array' stores only a Float64Array, and the value is Array\(2\)/,
    });
    assert.throws(() => encodeValue(new Float32Array(2), { codec: 'raw:Float64Array' }), /the value is Float32Array\(8 bytes\)/);
  });
});

void describe('codecs: unstorable values', () => {
  void it('names the path to a function', () => {
    assert.throws(() => encodeValue({ model: { predict: () => 1 } }), {
      name: 'CodecError',
      message: /model\.predict is a function; return plain data/,
    });
  });

  void it('names the path to a symbol inside an array', () => {
    assert.throws(() => encodeValue({ items: [1, Symbol('s')] }), { name: 'CodecError', message: /items\[1\] is a symbol/ });
  });

  void it('names the class of an instance without a codec, and the fix', () => {
    assert.throws(() => encodeValue({ a: [{ b: new Unregistered() }] }), (error: unknown) => {
      assert.ok(error instanceof CodecError);
      assert.match(error.message, /a\[0\]\.b is an instance of class Unregistered, which has no codec/);
      assert.match(error.message, /registerCodec\(\)/);
      return true;
    });
  });

  void it('names a top-level function as "the value"', () => {
    assert.throws(() => encodeValue(() => 0), /the value is a function/);
  });

  void it('names the path to a bad value inside a Map', () => {
    assert.throws(() => encodeValue(new Map([['k', () => 0]])), /\.get\(k\) is a function/);
  });

  void it('accepts cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const back = roundTrip(a).back as Record<string, unknown>;
    assert.equal(back.self, back);
  });
});

void describe('codecs: registered codecs', () => {
  registerCodec<Point>({
    name: 'test.Point',
    test: (value) => value instanceof Point,
    encode: (p) => Buffer.from(JSON.stringify([p.x, p.y])),
    decode: (bytes) => {
      const [x, y] = JSON.parse(Buffer.from(bytes).toString('utf8')) as [number, number];
      return new Point(x, y);
    },
    describe: (p) => `Point(${p.x},${p.y})`,
  });

  void it('round-trips a class instance with its prototype', () => {
    const { codec, type, back } = roundTrip(new Point(3, 4));
    assert.equal(codec, 'test.Point');
    assert.equal(type, 'Point(3,4)');
    assert.ok(back instanceof Point);
    assert.equal(back.norm(), 5);
  });

  void it('refuses a registered instance nested in another value (structured clone would drop its class)', () => {
    assert.throws(() => encodeValue({ best: new Point(1, 2) }), {
      name: 'CodecError',
      message: /best is an instance of class Point inside another value; its codec 'test\.Point' stores it only as an artifact of its own/,
    });
  });

  void it('refuses reserved built-in names', () => {
    assert.throws(() => registerCodec({ name: 'v8', test: () => false, encode: () => new Uint8Array(), decode: () => 0 }), /reserved/);
  });

  void it('a codec registered under the same name replaces the earlier one', () => {
    const make = (tag: number) => ({
      name: 'test.Replaced',
      test: (v: unknown) => v === 'replace-me',
      encode: () => new Uint8Array([tag]),
      decode: (b: Uint8Array) => b[0],
    });
    registerCodec(make(1));
    registerCodec(make(2));
    const encoded = encodeValue('replace-me');
    assert.equal(encoded.codec, 'test.Replaced');
    assert.deepEqual(encoded.chunks, [new Uint8Array([2])]);
  });
});

void describe('codecs: explicit codecs and decoding errors', () => {
  void it('json round-trips plain data and refuses BigInt', () => {
    const { codec, back } = roundTrip({ a: [1, 'x', null] }, 'json');
    assert.equal(codec, 'json');
    assert.deepEqual(back, { a: [1, 'x', null] });
    assert.throws(() => encodeValue({ n: 1n }, { codec: 'json' }), { name: 'CodecError', message: /codec 'json' could not encode/ });
  });

  void it('names an unknown codec on encode, listing the known ones', () => {
    assert.throws(() => encodeValue(1, { codec: 'nope' }), { name: 'CodecError', message: /unknown codec 'nope' \(known: v8, json, raw:/ });
  });

  void it('names an unknown codec on decode and says what to import', () => {
    assert.throws(() => decodeValue('ml.Missing', new Uint8Array([1])), {
      name: 'CodecError',
      message: /no codec 'ml\.Missing' is registered in this process; import the module that registers it/,
    });
  });

  void it('wraps corrupt bytes in a CodecError naming the codec', () => {
    assert.throws(() => decodeValue('json', Buffer.from('{not json')), { name: 'CodecError', message: /codec 'json' could not decode 9 bytes/ });
  });
});
