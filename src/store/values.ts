/**
 * Values ⇄ blobs: encodes with the codecs and writes to the blob store, and back.
 *
 * Lists that a foreach fans out over are stored as an *item manifest*: each item is its own blob
 * and the list's blob only lists the items' pointers. A split task then loads just its own item,
 * and loading the whole list still works.
 */
import { CodecError, decodeValue, encodeValue } from './codecs.js';
import type { ArtifactStore, BlobPointer } from './types.js';

/** Codec name of an item manifest. */
export const ITEMS_CODEC = 'sluice.items';

/** A stored value: its pointer plus a readable type. */
export interface StoredValue extends BlobPointer {
  readonly type: string;
}

/** Encodes and stores one value. */
export function storeValue(blobs: ArtifactStore, value: unknown, options: { readonly codec?: string } = {}): StoredValue {
  const encoded = encodeValue(value, options);
  const ref = blobs.put(encoded.chunks);
  return { digest: ref.digest, bytes: ref.bytes, codec: encoded.codec, type: encoded.type };
}

/** Stores each element of a list as its own blob and the list as a manifest of their pointers. */
export function storeItems(blobs: ArtifactStore, list: readonly unknown[]): StoredValue {
  const items: BlobPointer[] = list.map((item, i) => {
    try {
      const stored = storeValue(blobs, item);
      return { digest: stored.digest, codec: stored.codec, bytes: stored.bytes };
    } catch (error) {
      if (error instanceof CodecError) throw new CodecError(`item ${i}: ${error.message}`);
      throw error;
    }
  });
  const manifest = Buffer.from(JSON.stringify(items.map((p) => [p.digest, p.codec, p.bytes])), 'utf8');
  const ref = blobs.put(manifest);
  return { digest: ref.digest, bytes: ref.bytes, codec: ITEMS_CODEC, type: `Array(${list.length})` };
}

/** Reads the item pointers of a manifest. */
export function loadItemPointers(blobs: ArtifactStore, manifest: BlobPointer): BlobPointer[] {
  if (manifest.codec !== ITEMS_CODEC) throw new CodecError(`blob ${manifest.digest} is not an item manifest (codec ${manifest.codec})`);
  const raw = JSON.parse(Buffer.from(blobs.get(manifest.digest)).toString('utf8')) as [string, string, number][];
  return raw.map(([digest, codec, bytes]) => ({ digest, codec, bytes }));
}

/** Loads and decodes a stored value (item manifests are assembled back into a list). */
export function loadValue(blobs: ArtifactStore, pointer: BlobPointer): unknown {
  if (pointer.codec === ITEMS_CODEC) return loadItemPointers(blobs, pointer).map((p) => loadValue(blobs, p));
  return decodeValue(pointer.codec, blobs.get(pointer.digest));
}
