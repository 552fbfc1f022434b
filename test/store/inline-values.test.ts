/** Small values kept inline (no blob): encoding, identity, reads, and the schema 6 migration. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { TaskMeter } from '../../src/runtime/measure.js';
import { encodeValue } from '../../src/store/codecs.js';
import { StoreError } from '../../src/store/errors.js';
import { openBlobStore } from '../../src/store/home.js';
import { INLINE_SCHEMA_VERSION, MIGRATIONS, SCHEMA_VERSION } from '../../src/store/metadata/schema.js';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite.js';
import type { ArtifactStore } from '../../src/store/types.js';
import { INLINE_MAX_BYTES, loadValue, readPointerBytes, storeValue } from '../../src/store/values.js';
import { tempHome } from '../helpers/run.js';
import { makeRun, makeTask, taskOp } from './metadata-fixtures.js';

function casFiles(home: string): number {
  const dir = join(home, 'cas');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

function encodedBytes(value: unknown): Uint8Array {
  return Buffer.concat(encodeValue(value).chunks);
}

function withHome(fn: (blobs: ArtifactStore, home: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const home = tempHome('sluice-inline-values-');
    try {
      await fn(openBlobStore(home.home), home.home);
    } finally {
      home.cleanup();
    }
  };
}

void describe('inline values', () => {
  test(
    'a small value asked to be inline writes no file, round-trips, and has the identity its blob would have',
    withHome((blobs, home) => {
      const value = { y: 42, label: 'small', when: new Date(0), tags: new Set(['a']) };
      const stored = storeValue(blobs, value, { inline: true });
      assert.equal(casFiles(home), 0, 'no file under cas/');
      assert.ok(stored.inline instanceof Uint8Array);
      assert.deepEqual([...stored.inline], [...encodedBytes(value)]);
      assert.equal(stored.bytes, stored.inline.byteLength);
      assert.equal(stored.digest, createHash('sha256').update(encodedBytes(value)).digest('hex'));
      assert.deepEqual(loadValue(blobs, stored), value);

      // The same value stored as a blob: same digest, length, codec and type.
      const blob = storeValue(blobs, value);
      assert.equal(blob.inline, undefined);
      assert.equal(casFiles(home), 1);
      const { inline: _bytes, ...pointer } = stored;
      assert.deepEqual(pointer, blob);
      assert.deepEqual([...blobs.get(blob.digest)], [...stored.inline]);
    }),
  );

  test(
    `the limit is ${INLINE_MAX_BYTES} encoded bytes: at it inline, one past it a blob`,
    withHome((blobs, home) => {
      const at = new Uint8Array(INLINE_MAX_BYTES).fill(7);
      const over = new Uint8Array(INLINE_MAX_BYTES + 1).fill(7);
      assert.equal(encodedBytes(at).byteLength, INLINE_MAX_BYTES, 'a top-level typed array is stored as its raw bytes');
      const inside = storeValue(blobs, at, { inline: true });
      assert.equal(inside.bytes, INLINE_MAX_BYTES);
      assert.ok(inside.inline);
      assert.equal(casFiles(home), 0);
      const outside = storeValue(blobs, over, { inline: true });
      assert.equal(outside.inline, undefined);
      assert.equal(outside.bytes, INLINE_MAX_BYTES + 1);
      assert.equal(casFiles(home), 1);
      assert.ok(blobs.has(outside.digest));
      assert.deepEqual(loadValue(blobs, inside), at);
      assert.deepEqual(loadValue(blobs, outside), over);
      // Without the option, even a tiny value is a blob (checkpoints, registered models...).
      assert.equal(storeValue(blobs, 1).inline, undefined);
      assert.equal(casFiles(home), 2);
    }),
  );

  test(
    'typed arrays decode from inline bytes at any offset, as aligned copies that leave the bytes intact',
    withHome((blobs) => {
      const values = [Float64Array.from([1.5, -2, 3.25]), new Int32Array([1, -1, 7]), { nested: new Float32Array([0.5, 8]), s: 'odd' }];
      for (const value of values) {
        const stored = storeValue(blobs, value, { inline: true });
        // Bytes at an odd offset of a bigger buffer, as a driver may hand them back.
        const backing = new Uint8Array(stored.bytes + 3);
        backing.set(stored.inline!, 1);
        const pointer = { ...stored, inline: backing.subarray(1, 1 + stored.bytes) };
        const bytes = readPointerBytes(blobs, pointer);
        assert.equal(bytes.byteOffset, 0);
        assert.notEqual(bytes.buffer, backing.buffer, 'a copy, not a view of the pointer');
        const decoded = loadValue(blobs, pointer);
        assert.deepEqual(decoded, value);
        if (decoded instanceof Float64Array) decoded[0] = 99;
        assert.deepEqual(loadValue(blobs, pointer), value, 'decoding twice gives the original');
      }
    }),
  );

  test(
    'inline bytes that do not match the recorded length or digest fail naming the value',
    withHome((blobs) => {
      const stored = storeValue(blobs, 'hello', { inline: true });
      const flipped = Uint8Array.from(stored.inline!);
      flipped[0] = flipped[0]! ^ 1;
      assert.throws(() => loadValue(blobs, { ...stored, inline: flipped }), (e: unknown) => e instanceof StoreError && e.message.includes(`inline value ${stored.digest} has sha256`));
      assert.throws(() => loadValue(blobs, { ...stored, inline: stored.inline!.subarray(1) }), /inline value .* has \d+ bytes, but \d+ are recorded/);
    }),
  );

  test(
    'a task meter counts inline reads through its wrapper and inline writes it is told of',
    withHome((blobs) => {
      const stored = storeValue(blobs, { y: 2 }, { inline: true });
      const meter = new TaskMeter();
      const wrapped = meter.wrap(blobs);
      assert.deepEqual(loadValue(wrapped, stored), { y: 2 });
      meter.wroteInline(stored.bytes);
      const stats = meter.finish();
      assert.equal(stats.bytesRead, stored.bytes);
      assert.equal(stats.bytesWritten, stored.bytes);
    }),
  );
});

void describe('schema 6: artifacts.inline', () => {
  test(
    'a store at schema 5 with blob artifacts migrates; old artifacts still load, new ones may be inline',
    withHome(async (blobs, home) => {
      const file = join(home, 'meta.db');
      assert.equal(INLINE_SCHEMA_VERSION, SCHEMA_VERSION);
      const previous = MIGRATIONS.filter((m) => m.version < INLINE_SCHEMA_VERSION);
      const old = new SqliteMetadataStore(file, { migrations: previous });
      assert.equal(old.schemaVersion, INLINE_SCHEMA_VERSION - 1);
      await old.createRun(makeRun('r0001'));
      const small = storeValue(blobs, { y: 1 }); // written before inline values existed: a blob
      const big = storeValue(blobs, new Float64Array(1000).fill(2));
      await old.write([taskOp(makeTask('r0001', 1, { status: 'done' }), [{ ...small, name: 'small' }, { ...big, name: 'big' }])]);
      // An old store cannot hold inline bytes: refused, naming the schema.
      const inline = storeValue(blobs, { y: 3 }, { inline: true });
      await assert.rejects(
        old.write([taskOp(makeTask('r0001', 2, { status: 'done' }), [{ ...inline, name: 'small' }])]),
        /is at schema 5, which cannot hold inline artifacts \(schema 6 can\)/,
      );
      await old.close();
      const raw = new Database(file, { readonly: true });
      assert.ok(!(raw.prepare('PRAGMA table_info(artifacts)').all() as { name: string }[]).some((c) => c.name === 'inline'));
      raw.close();

      const store = new SqliteMetadataStore(file);
      assert.equal(store.schemaVersion, SCHEMA_VERSION);
      const before = await store.listArtifacts('r0001', 1);
      assert.deepEqual(
        before.map((a) => [a.name, a.inline]),
        [
          ['big', undefined],
          ['small', undefined],
        ],
      );
      assert.deepEqual(loadValue(blobs, before.find((a) => a.name === 'small')!), { y: 1 });
      assert.deepEqual(loadValue(blobs, before.find((a) => a.name === 'big')!), new Float64Array(1000).fill(2));

      await store.write([taskOp(makeTask('r0001', 2, { status: 'done' }), [{ ...inline, name: 'small' }])]);
      const [after] = await store.listArtifacts('r0001', 2);
      assert.deepEqual([...after!.inline!], [...inline.inline!]);
      assert.equal(blobs.has(after!.digest), false);
      assert.deepEqual(loadValue(blobs, after!), { y: 3 });
      await store.close();
      const db = new Database(file, { readonly: true });
      assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get(), { value: String(SCHEMA_VERSION) });
      db.close();
    }),
  );
});
