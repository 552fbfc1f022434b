/**
 * The conformance suite every {@link ArtifactStore} backend must pass (local disk now, S3 later).
 * Call it from a backend's test file with a factory that returns an empty store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BlobNotFoundError } from '../../src/store/errors.js';
import type { ArtifactStore } from '../../src/store/types.js';

export type ArtifactStoreFactory = () => ArtifactStore | Promise<ArtifactStore>;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function describeArtifactStore(label: string, factory: ArtifactStoreFactory): void {
  void describe(`ArtifactStore conformance: ${label}`, () => {
    void it('put returns the sha256 hex digest and byte count; get returns the same bytes', async () => {
      const store = await factory();
      const bytes = text('hello, sluice');
      const ref = store.put(bytes);
      assert.deepEqual(ref, { digest: sha256(bytes), bytes: 13 });
      assert.deepEqual(new Uint8Array(store.get(ref.digest)), bytes);
      assert.equal(store.has(ref.digest), true);
    });

    void it('stores the empty blob', async () => {
      const store = await factory();
      const ref = store.put(new Uint8Array(0));
      assert.deepEqual(ref, { digest: EMPTY_SHA256, bytes: 0 });
      assert.equal(store.get(EMPTY_SHA256).byteLength, 0);
    });

    void it('a multi-chunk put equals a single-chunk put of the concatenation', async () => {
      const store = await factory();
      const whole = text('abcdefghij');
      const chunked = store.put([text('abc'), text(''), text('defg'), text('hij')]);
      assert.deepEqual(chunked, { digest: sha256(whole), bytes: 10 });
      assert.deepEqual(store.put(whole), chunked);
      assert.deepEqual(new Uint8Array(store.get(chunked.digest)), whole);
    });

    void it('stores views of larger buffers by their own bytes only', async () => {
      const store = await factory();
      const backing = text('xxPAYLOADyy');
      const ref = store.put(backing.subarray(2, 9));
      assert.deepEqual(ref, { digest: sha256(text('PAYLOAD')), bytes: 7 });
      assert.equal(Buffer.from(store.get(ref.digest)).toString('utf8'), 'PAYLOAD');
    });

    void it('storing the same bytes twice lists one blob', async () => {
      const store = await factory();
      const a = store.put(text('same'));
      const b = store.put([text('sa'), text('me')]);
      assert.deepEqual(a, b);
      assert.deepEqual([...store.list()], [a]);
    });

    void it('get of an unknown digest throws BlobNotFoundError naming the digest', async () => {
      const store = await factory();
      const missing = sha256(text('never stored'));
      assert.equal(store.has(missing), false);
      assert.throws(
        () => store.get(missing),
        (error: unknown) => {
          assert.ok(error instanceof BlobNotFoundError);
          assert.equal(error.digest, missing);
          assert.ok(error.message.includes(missing));
          return true;
        },
      );
    });

    void it('rejects strings that are not digests instead of touching other paths', async () => {
      const store = await factory();
      for (const bad of ['../../etc/passwd', 'ABC', sha256(text('x')).toUpperCase(), '']) {
        assert.throws(() => store.get(bad), /is not a blob digest/);
        assert.throws(() => store.has(bad), /is not a blob digest/);
        assert.throws(() => store.delete(bad), /is not a blob digest/);
      }
    });

    void it('delete removes a blob and reports whether it existed', async () => {
      const store = await factory();
      const keep = store.put(text('keep'));
      const drop = store.put(text('drop'));
      assert.equal(store.delete(drop.digest), true);
      assert.equal(store.delete(drop.digest), false);
      assert.equal(store.has(drop.digest), false);
      assert.throws(() => store.get(drop.digest), BlobNotFoundError);
      assert.deepEqual([...store.list()], [keep]);
      // Stored again after deletion: back.
      assert.deepEqual(store.put(text('drop')), drop);
      assert.equal(store.has(drop.digest), true);
    });

    void it('list yields every blob once with its size', async () => {
      const store = await factory();
      const refs = ['one', 'two', 'three', 'four', 'five'].map((s) => store.put(text(s)));
      const listed = [...store.list()].sort((a, b) => a.digest.localeCompare(b.digest));
      assert.deepEqual(listed, [...refs].sort((a, b) => a.digest.localeCompare(b.digest)));
      assert.deepEqual(
        listed.map((r) => r.bytes).sort(),
        [3, 3, 4, 4, 5],
      );
    });

    void it('round-trips binary data of every byte value', async () => {
      const store = await factory();
      const bytes = new Uint8Array(256 * 4);
      for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
      const ref = store.put(bytes);
      assert.deepEqual(new Uint8Array(store.get(ref.digest)), bytes);
    });
  });
}
