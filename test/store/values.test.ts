import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TaskMeter } from '../../src/runtime/measure.js';
import type { FsArtifactStore } from '../../src/store/artifacts/fs.js';
import { CodecError, encodeValue } from '../../src/store/codecs.js';
import { StoreError } from '../../src/store/errors.js';
import { openBlobStore } from '../../src/store/home.js';
import type { ArtifactStore, BlobPointer } from '../../src/store/types.js';
import {
  clearPackCache,
  loadItemPointers,
  loadValue,
  PACK_ITEM_MAX_BYTES,
  PACK_MAX_BYTES,
  readPointerBytes,
  storeItems,
  storeValue,
} from '../../src/store/values.js';
import { tempHome } from '../helpers/run.js';

/** Every file under a directory. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** sha256 and length of a value's encoded bytes: what the item's own blob would have been. */
function identity(value: unknown): { digest: string; bytes: number } {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const chunk of encodeValue(value).chunks) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { digest: hash.digest('hex'), bytes };
}

/** A store that records the digests asked of `get`. */
function spy(blobs: ArtifactStore): { store: ArtifactStore; gets: string[] } {
  const gets: string[] = [];
  return {
    gets,
    store: { kind: blobs.kind, put: (d) => blobs.put(d), has: (d) => blobs.has(d), delete: (d) => blobs.delete(d), list: () => blobs.list(), get: (d) => (gets.push(d), blobs.get(d)) },
  };
}

function withStore(fn: (blobs: FsArtifactStore, home: string) => void): () => void {
  return () => {
    const home = tempHome('sluice-values-');
    try {
      clearPackCache();
      fn(openBlobStore(home.home), home.home);
    } finally {
      home.cleanup();
    }
  };
}

void describe('item manifests with packed items', () => {
  test(
    '1,000 small items go into a few packs, not 1,000 files; each round-trips with the digest its own blob would have',
    withStore((blobs, home) => {
      const list = Array.from({ length: 1000 }, (_, i) => ({ id: i, text: `item ${i} `.repeat(300 + (i % 7)) }));
      const manifest = storeItems(blobs, list);
      assert.equal(manifest.type, 'Array(1000)');
      const pointers = loadItemPointers(blobs, manifest);
      assert.equal(pointers.length, 1000);
      const packs = [...new Set(pointers.map((p) => p.pack))];
      assert.ok(packs.every((p) => typeof p === 'string'), 'every small item is packed');
      const total = pointers.reduce((n, p) => n + p.bytes, 0);
      assert.ok(total > 2 * PACK_MAX_BYTES, `the list spans several packs (${total} bytes)`);
      const fewest = Math.ceil(total / PACK_MAX_BYTES);
      assert.ok(packs.length >= fewest && packs.length <= fewest + 1, `${packs.length} packs for ${total} bytes`);
      // The packs and the manifest are all the files written.
      assert.equal(filesUnder(join(home, 'cas')).length, packs.length + 1);
      list.forEach((item, i) => {
        const p = pointers[i]!;
        assert.deepEqual({ digest: p.digest, bytes: p.bytes }, identity(item), `item ${i} keeps its identity`);
        assert.equal(blobs.has(p.digest), false, 'a packed item has no blob of its own');
        assert.deepEqual(loadValue(blobs, p), item);
      });
      assert.deepEqual(loadValue(blobs, manifest), list);
      // Packs are filled in order, up to the bound: each closes only when the next item would not fit.
      for (const pack of packs) {
        const inside = pointers.filter((p) => p.pack === pack);
        const size = blobs.get(pack!).byteLength;
        assert.ok(size <= PACK_MAX_BYTES, `pack of ${size} bytes`);
        assert.equal(size, inside.reduce((n, p) => n + p.bytes, 0));
        const next = pointers[pointers.indexOf(inside.at(-1)!) + 1];
        if (next) assert.ok(size + next.bytes > PACK_MAX_BYTES, 'a pack is closed only when the next item would overflow it');
      }
    }),
  );

  test(
    'items over 64 KiB keep their own blob; a pack goes on around them; a lone small item is a plain blob',
    withStore((blobs) => {
      const list = [new Uint8Array(PACK_ITEM_MAX_BYTES).fill(1), 'a', new Uint8Array(PACK_ITEM_MAX_BYTES + 1).fill(2), 'b', { c: 3 }];
      const pointers = loadItemPointers(blobs, storeItems(blobs, list));
      assert.equal(pointers[0]!.bytes, PACK_ITEM_MAX_BYTES);
      assert.ok(pointers[0]!.pack, 'exactly 64 KiB is still packed');
      assert.equal(pointers[2]!.pack, undefined);
      assert.equal(blobs.get(pointers[2]!.digest).byteLength, PACK_ITEM_MAX_BYTES + 1);
      assert.deepEqual(new Set([0, 1, 3, 4].map((i) => pointers[i]!.pack)).size, 1, 'the big item does not split the pack');
      list.forEach((item, i) => {
        assert.deepEqual(loadValue(blobs, pointers[i]!), item);
        assert.deepEqual({ digest: pointers[i]!.digest, bytes: pointers[i]!.bytes }, identity(item));
      });

      const alone = loadItemPointers(blobs, storeItems(blobs, [new Uint8Array(PACK_ITEM_MAX_BYTES + 1).fill(2), 'solo']))[1]!;
      assert.deepEqual(alone, { digest: identity('solo').digest, codec: 'v8', bytes: identity('solo').bytes });
      assert.equal(blobs.has(alone.digest), true);
      assert.deepEqual(loadItemPointers(blobs, storeItems(blobs, [])), []);
      // eslint-disable-next-line no-sparse-arrays
      assert.deepEqual(loadValue(blobs, storeItems(blobs, [1, , 3])), [1, undefined, 3], 'a hole in a sparse list is an undefined item');
    }),
  );

  test(
    'typed arrays inside packed items decode at aligned offsets, as copies that do not hold the pack',
    withStore((blobs) => {
      // Odd-length strings between the arrays put them at unaligned offsets inside the pack.
      const list = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? Float64Array.from({ length: 3 + i }, (_, k) => i + k / 8) : i % 3 === 0 ? { nested: new Int32Array([i, -i, 7]), s: 'x'.repeat(i) } : 'o'.repeat(i),
      );
      const pointers = loadItemPointers(blobs, storeItems(blobs, list));
      assert.ok(pointers.some((p) => p.offset! % 8 !== 0), 'some item sits at an unaligned offset');
      list.forEach((item, i) => {
        const value = loadValue(blobs, pointers[i]!);
        assert.deepEqual(value, item);
        if (value instanceof Float64Array) {
          assert.equal(value.byteOffset, 0);
          assert.equal(value.buffer.byteLength, pointers[i]!.bytes, 'the decoded array owns just its bytes');
        }
        const bytes = readPointerBytes(blobs, pointers[i]!);
        assert.equal(bytes.byteOffset, 0);
        bytes.fill(0); // scribbling on a returned copy does not reach the cached pack
      });
      list.forEach((item, i) => assert.deepEqual(loadValue(blobs, pointers[i]!), item));
    }),
  );

  test(
    'consecutive packed items read their pack once per process',
    withStore((blobs) => {
      const list = Array.from({ length: 50 }, (_, i) => `item-${i}`);
      const manifest = storeItems(blobs, list);
      const pointers = loadItemPointers(blobs, manifest);
      const { store, gets } = spy(blobs);
      for (const p of pointers) loadValue(store, p);
      assert.deepEqual(gets, [pointers[0]!.pack]);
      assert.deepEqual(loadValue(store, manifest), list);
      assert.deepEqual(gets, [pointers[0]!.pack, manifest.digest]);
    }),
  );

  test(
    'a task meter counts a packed item as its own bytes, whether or not its pack was cached',
    withStore((blobs) => {
      const pointers = loadItemPointers(blobs, storeItems(blobs, Array.from({ length: 20 }, (_, i) => 'y'.repeat(100 * (i + 1)))));
      for (const p of [pointers[3]!, pointers[7]!]) {
        const meter = new TaskMeter();
        const wrapped = meter.wrap(blobs);
        assert.equal(loadValue(wrapped, p), 'y'.repeat(p === pointers[3] ? 400 : 800));
        const stats = meter.finish();
        assert.equal(stats.bytesRead, p.bytes);
      }
    }),
  );

  test(
    'manifests of the old layout (every item its own blob, 3-element entries) still load',
    withStore((blobs) => {
      const list = [1, 'two', { three: [3] }, new Float32Array([4, 4.5])];
      const entries = list.map((item) => {
        const stored = storeValue(blobs, item);
        return [stored.digest, stored.codec, stored.bytes];
      });
      const ref = blobs.put(Buffer.from(JSON.stringify(entries)));
      const manifest: BlobPointer = { digest: ref.digest, bytes: ref.bytes, codec: 'sluice.items' };
      const pointers = loadItemPointers(blobs, manifest);
      assert.deepEqual(pointers, entries.map(([digest, codec, bytes]) => ({ digest, codec, bytes })));
      assert.deepEqual(loadValue(blobs, manifest), list);
      // The new layout gives the same item identities.
      const packed = loadItemPointers(blobs, storeItems(blobs, list));
      assert.deepEqual(packed.map((p) => [p.digest, p.codec, p.bytes]), entries);

      const bad = blobs.put(Buffer.from(JSON.stringify([[entries[0]![0], 'v8']])));
      assert.throws(() => loadItemPointers(blobs, { digest: bad.digest, bytes: bad.bytes, codec: 'sluice.items' }), /entry 0 is .* expected \[digest, codec, bytes\]/);
    }),
  );

  test(
    'a truncated or damaged pack fails with a StoreError naming the pack and the item',
    withStore((blobs) => {
      const list = Array.from({ length: 10 }, (_, i) => `value number ${i}`);
      const pointers = loadItemPointers(blobs, storeItems(blobs, list));
      const pack = pointers[0]!.pack!;
      const path = blobs.pathOf(pack);
      const last = pointers[9]!;

      truncateSync(path, last.offset! + 2);
      const truncated = (() => {
        try {
          loadValue(blobs, last);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      assert.ok(truncated instanceof StoreError, String(truncated));
      assert.match(truncated.message, new RegExp(`item ${last.digest} is recorded at bytes ${last.offset}\\.\\.${last.offset! + last.bytes} of pack ${pack}, but the pack has ${last.offset! + 2} bytes: the pack is truncated or damaged`));
      assert.deepEqual(loadValue(blobs, pointers[0]!), list[0], 'items before the cut still load');

      clearPackCache();
      const bytes = readFileSync(path);
      const at = pointers[1]!.offset! + 3;
      bytes[at] = bytes[at]! ^ 0xff;
      writeFileSync(path, bytes);
      assert.throws(() => loadValue(blobs, pointers[1]!), (error: Error) => {
        assert.ok(error instanceof StoreError);
        assert.match(error.message, new RegExp(`item ${pointers[1]!.digest} at bytes .* of pack ${pack} has sha256 [0-9a-f]{64}: the pack is damaged`));
        return true;
      });
    }),
  );

  test(
    'an item that cannot be encoded is named by its index',
    withStore((blobs) => {
      assert.throws(
        () => storeItems(blobs, [1, 2, 3, 4, 5, () => 6]),
        (error: Error) => error instanceof CodecError && /^item 5: /.test(error.message),
      );
    }),
  );
});
