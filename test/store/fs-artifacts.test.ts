import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FsArtifactStore } from '../../src/store/artifacts/fs.js';
import { decodeValue, encodeValue } from '../../src/store/codecs.js';
import { describeArtifactStore } from './artifact-conformance.js';

const base = mkdtempSync(join(tmpdir(), 'sluice-cas-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;
const freshRoot = (): string => join(base, `cas${counter++}`);

/** Every file under a directory, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describeArtifactStore('fs', () => new FsArtifactStore(freshRoot()));

void describe('FsArtifactStore on disk', () => {
  void it('lays blobs out as ab/cd/<digest> and leaves no temp files', () => {
    const root = freshRoot();
    const store = new FsArtifactStore(root);
    const refs = [store.put(Buffer.from('a')), store.put([Buffer.from('b'), Buffer.from('c')]), store.put(Buffer.from('a'))];
    const expected = [...new Set(refs.map((r) => `${r.digest.slice(0, 2)}/${r.digest.slice(2, 4)}/${r.digest}`))].sort();
    assert.deepEqual(filesUnder(root).sort(), expected);
    assert.equal(store.pathOf(refs[0]!.digest), join(root, expected.find((p) => p.endsWith(refs[0]!.digest))!));
  });

  void it('does not rewrite a blob that already exists (same bytes twice: one file, same inode, time refreshed for GC)', () => {
    const root = freshRoot();
    const store = new FsArtifactStore(root);
    const ref = store.put(Buffer.from('dedup me'));
    const path = store.pathOf(ref.digest);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(path, old, old);
    const before = statSync(path);
    store.put(Buffer.from('dedup me'));
    const afterStat = statSync(path);
    assert.equal(afterStat.ino, before.ino, 'not rewritten');
    assert.ok(afterStat.mtimeMs > before.mtimeMs + 3_000_000, 'in use again: GC must see it as new');
    assert.equal(filesUnder(root).length, 1);
  });

  void it('removes its temp file when storing fails, and exposes nothing under the digest', () => {
    const root = freshRoot();
    const store = new FsArtifactStore(root);
    const bytes = Buffer.from('blocked');
    const digest = createHash('sha256').update(bytes).digest('hex');
    // A directory squatting on the blob's path makes the final rename fail after the temp file is written.
    mkdirSync(store.pathOf(digest), { recursive: true });
    assert.throws(() => store.put(bytes), { code: 'EISDIR' });
    assert.deepEqual(filesUnder(root), []);
    assert.equal(store.has(digest), false);
  });

  void it('list skips temp files left by a crashed writer and foreign files', () => {
    const root = freshRoot();
    const store = new FsArtifactStore(root);
    const ref = store.put(Buffer.from('real'));
    const shard = join(root, ref.digest.slice(0, 2), ref.digest.slice(2, 4));
    writeFileSync(join(shard, `${ref.digest.replace(/^./, '0')}.tmp-123-abcd`), 'partial');
    writeFileSync(join(root, 'README'), 'not a blob');
    assert.deepEqual([...store.list()], [ref]);
  });

  void it('a store on a directory that does not exist yet lists nothing and creates it on put', () => {
    const root = join(freshRoot(), 'deep', 'cas');
    const store = new FsArtifactStore(root);
    assert.deepEqual([...store.list()], []);
    assert.equal(store.has('0'.repeat(64)), false);
    store.put(Buffer.from('first'));
    assert.equal([...store.list()].length, 1);
  });

  void it('two stores on one directory see each other\'s blobs', () => {
    const root = freshRoot();
    const ref = new FsArtifactStore(root).put(Buffer.from('shared'));
    assert.equal(Buffer.from(new FsArtifactStore(root).get(ref.digest)).toString(), 'shared');
  });

  void it('get returns an unpooled buffer, so typed arrays decode without copying', () => {
    const store = new FsArtifactStore(freshRoot());
    const encoded = encodeValue(new Float64Array([1, 2, 3]));
    const ref = store.put(encoded.chunks);
    const bytes = store.get(ref.digest);
    assert.equal(bytes.byteOffset, 0);
    assert.equal(bytes.buffer.byteLength, 24);
    const back = decodeValue(encoded.codec, bytes) as Float64Array;
    assert.equal(back.buffer, bytes.buffer);
    assert.deepEqual(back, new Float64Array([1, 2, 3]));
  });

  void it('stores with fsync enabled', () => {
    const store = new FsArtifactStore(freshRoot(), { fsync: true });
    const ref = store.put(Buffer.from('durable'));
    assert.equal(Buffer.from(store.get(ref.digest)).toString(), 'durable');
  });
});
