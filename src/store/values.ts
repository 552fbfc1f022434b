/**
 * Values ⇄ blobs: encodes with the codecs and writes to the blob store, and back.
 *
 * Lists that a foreach fans out over are stored as an *item manifest*: the list's blob lists one
 * pointer per item, and a split task loads just its own item. Small items (≤ 64 KiB encoded) are
 * packed together into blobs of up to 1 MiB, because creating a file per item dominated large
 * fan-outs (~1 ms per file on a VM disk: a minute for 100,000 items); bigger items keep a blob of
 * their own. A packed item's pointer still carries the sha256 and length of its own encoded bytes,
 * so its identity (resume, the step cache) is the same as if it had been stored alone.
 *
 * Manifest entries: `[digest, codec, bytes]` for an item in its own blob, and
 * `[digest, codec, bytes, pack, offset]` for a packed one (older manifests have only the former).
 *
 * Small task outputs (≤ 4 KiB encoded, `storeValue(..., { inline: true })`) are not written as
 * blobs at all: their pointer carries the bytes (`inline`), and the metadata store keeps them with
 * the artifact's row. Creating a file (and often a shard directory) cost 1–2 ms on a VM disk, more
 * than a cheap foreach item's own work. The pointer's digest and length are still those of the
 * encoded bytes, so an inline value has the same identity as the same value stored as a blob.
 */
import { createHash } from 'node:crypto';
import { CodecError, decodeValue, encodeValue } from './codecs.js';
import { StoreError } from './errors.js';
import type { ArtifactStore, BlobPointer } from './types.js';

/** Codec name of an item manifest. */
export const ITEMS_CODEC = 'sluice.items';

/** Items whose encoded size is at most this are packed with their neighbours. */
export const PACK_ITEM_MAX_BYTES = 64 * 1024;

/** A pack is closed before an item would take it past this size. */
export const PACK_MAX_BYTES = 1024 * 1024;

/** Recently read packs kept per process (total bytes): a worker running consecutive items reads each pack once. */
export const PACK_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Task outputs whose encoded size is at most this are kept inline (in the metadata store) rather
 * than as blobs: small enough that a row holding them stays cheap, big enough for the scalars,
 * small records and short arrays most steps return.
 */
export const INLINE_MAX_BYTES = 4 * 1024;

/** A stored value: its pointer plus a readable type. */
export interface StoredValue extends BlobPointer {
  readonly type: string;
}

export interface StoreValueOptions {
  /** A codec by name instead of the one chosen for the value. */
  readonly codec?: string;
  /**
   * Return values up to {@link INLINE_MAX_BYTES} encoded with their bytes (`inline`) instead of
   * writing a blob. Only for callers that record the pointer, bytes included, in the metadata
   * store (task outputs); a reader that needs a file or only keeps a digest must not ask for it.
   */
  readonly inline?: boolean;
}

/** Encodes and stores one value (small ones inline when asked, see {@link StoreValueOptions.inline}). */
export function storeValue(blobs: ArtifactStore, value: unknown, options: StoreValueOptions = {}): StoredValue {
  const encoded = encodeValue(value, options);
  if (options.inline) {
    let bytes = 0;
    for (const chunk of encoded.chunks) bytes += chunk.byteLength;
    if (bytes <= INLINE_MAX_BYTES) {
      // Copied out: a codec may reuse its output buffers between calls.
      const inline = new Uint8Array(bytes);
      const hash = createHash('sha256');
      let at = 0;
      for (const chunk of encoded.chunks) {
        hash.update(chunk);
        inline.set(chunk, at);
        at += chunk.byteLength;
      }
      return { digest: hash.digest('hex'), bytes, codec: encoded.codec, type: encoded.type, inline };
    }
  }
  const ref = blobs.put(encoded.chunks);
  return { digest: ref.digest, bytes: ref.bytes, codec: encoded.codec, type: encoded.type };
}

type ManifestEntry = [digest: string, codec: string, bytes: number] | [digest: string, codec: string, bytes: number, pack: string, offset: number];

/**
 * Stores each element of a list (small ones packed together, see the module comment) and the
 * list as a manifest of their pointers.
 */
export function storeItems(blobs: ArtifactStore, list: readonly unknown[]): StoredValue {
  const entries: ManifestEntry[] = new Array<ManifestEntry>(list.length);
  // Items are copied in as they are encoded: a codec may reuse its output buffers between calls.
  let buffer: Buffer | undefined;
  let used = 0;
  let members: { index: number; digest: string; codec: string; bytes: number; offset: number }[] = [];
  const flush = (): void => {
    if (members.length === 0) return;
    const ref = blobs.put(buffer!.subarray(0, used));
    // A pack of one item is just that item's blob (same bytes, same digest): store it plainly.
    for (const m of members) entries[m.index] = members.length === 1 ? [m.digest, m.codec, m.bytes] : [m.digest, m.codec, m.bytes, ref.digest, m.offset];
    members = [];
    used = 0;
    buffer = undefined; // a fresh one per pack: a store may keep what it was given
  };
  // A plain loop, not forEach: holes of a sparse list are stored as undefined items, not skipped.
  for (let index = 0; index < list.length; index++) {
    let encoded;
    try {
      encoded = encodeValue(list[index]);
    } catch (error) {
      if (error instanceof CodecError) throw new CodecError(`item ${index}: ${error.message}`);
      throw error;
    }
    const bytes = encoded.chunks.reduce((n, c) => n + c.byteLength, 0);
    if (bytes > PACK_ITEM_MAX_BYTES) {
      const ref = blobs.put(encoded.chunks);
      entries[index] = [ref.digest, encoded.codec, ref.bytes];
      continue;
    }
    if (used + bytes > PACK_MAX_BYTES) flush();
    buffer ??= Buffer.allocUnsafeSlow(PACK_MAX_BYTES);
    const hash = createHash('sha256');
    const offset = used;
    for (const chunk of encoded.chunks) {
      hash.update(chunk);
      buffer.set(chunk, used);
      used += chunk.byteLength;
    }
    members.push({ index, digest: hash.digest('hex'), codec: encoded.codec, bytes, offset });
  }
  flush();
  const manifest = Buffer.from(JSON.stringify(entries), 'utf8');
  const ref = blobs.put(manifest);
  return { digest: ref.digest, bytes: ref.bytes, codec: ITEMS_CODEC, type: `Array(${list.length})` };
}

function isEntry(e: unknown): e is ManifestEntry {
  if (!Array.isArray(e) || (e.length !== 3 && e.length !== 5)) return false;
  const [digest, codec, bytes, pack, offset] = e as unknown[];
  if (typeof digest !== 'string' || typeof codec !== 'string' || !Number.isInteger(bytes)) return false;
  return e.length === 3 || (typeof pack === 'string' && Number.isInteger(offset));
}

/** Reads the item pointers of a manifest. */
export function loadItemPointers(blobs: ArtifactStore, manifest: BlobPointer): BlobPointer[] {
  if (manifest.codec !== ITEMS_CODEC) throw new CodecError(`blob ${manifest.digest} is not an item manifest (codec ${manifest.codec})`);
  const raw = JSON.parse(Buffer.from(readPointerBytes(blobs, manifest)).toString('utf8')) as unknown;
  if (!Array.isArray(raw)) throw new StoreError(`item manifest ${manifest.digest} is not a list of item pointers`);
  return raw.map((entry: unknown, i) => {
    if (!isEntry(entry)) {
      throw new StoreError(`item manifest ${manifest.digest}: entry ${i} is ${JSON.stringify(entry)}, expected [digest, codec, bytes] or [digest, codec, bytes, pack, offset]`);
    }
    const [digest, codec, bytes, pack, offset] = entry;
    return pack === undefined ? { digest, codec, bytes } : { digest, codec, bytes, pack, offset };
  });
}

/**
 * Recently read packs, least recently used first. Content-addressed blobs never change, so a pack
 * is cached by digest alone (a pack deleted by gc after it was read may still be served from here;
 * gc deletes only packs no kept run references).
 */
const packCache = new Map<string, Uint8Array>();
let packCacheBytes = 0;

/** Forgets the packs cached in this process (tests; callers that want the memory back). */
export function clearPackCache(): void {
  packCache.clear();
  packCacheBytes = 0;
}

function readPack(blobs: ArtifactStore, digest: string): Uint8Array {
  const hit = packCache.get(digest);
  if (hit) {
    packCache.delete(digest);
    packCache.set(digest, hit);
    return hit;
  }
  const pack = blobs.get(digest);
  if (pack.byteLength <= PACK_CACHE_BYTES) {
    packCache.set(digest, pack);
    packCacheBytes += pack.byteLength;
    for (const [old, bytes] of packCache) {
      if (packCacheBytes <= PACK_CACHE_BYTES) break;
      packCache.delete(old);
      packCacheBytes -= bytes.byteLength;
    }
  }
  return pack;
}

/**
 * The encoded bytes a pointer refers to: its own blob, its slice of a pack, or its inline bytes.
 * Packed and inline bytes are checked against the recorded length and digest, and returned as a
 * fresh copy with byteOffset 0 (typed-array codecs view the buffer directly and need it aligned;
 * the cached pack and the pointer's own bytes stay intact).
 */
export function readPointerBytes(blobs: ArtifactStore, pointer: BlobPointer): Uint8Array {
  if (pointer.inline === undefined && pointer.pack === undefined) return blobs.get(pointer.digest);
  if (blobs.readPacked) return blobs.readPacked(pointer);
  if (pointer.inline !== undefined) return readInline(pointer, pointer.inline);
  return readPackedItem(blobs, pointer, pointer.pack!);
}

function readPackedItem(blobs: ArtifactStore, pointer: BlobPointer, packDigest: string): Uint8Array {
  const pack = readPack(blobs, packDigest);
  const offset = pointer.offset ?? 0;
  const end = offset + pointer.bytes;
  if (!Number.isInteger(offset) || offset < 0 || end > pack.byteLength) {
    throw new StoreError(
      `item ${pointer.digest} is recorded at bytes ${offset}..${end} of pack ${pointer.pack}, but the pack has ${pack.byteLength} bytes: the pack is truncated or damaged`,
    );
  }
  const out = new Uint8Array(pointer.bytes);
  out.set(pack.subarray(offset, end));
  const digest = createHash('sha256').update(out).digest('hex');
  if (digest !== pointer.digest) {
    throw new StoreError(`item ${pointer.digest} at bytes ${offset}..${end} of pack ${pointer.pack} has sha256 ${digest}: the pack is damaged`);
  }
  return out;
}

/** Loads and decodes a stored value (item manifests are assembled back into a list). */
export function loadValue(blobs: ArtifactStore, pointer: BlobPointer): unknown {
  if (pointer.codec === ITEMS_CODEC) return loadItemPointers(blobs, pointer).map((p) => loadValue(blobs, p));
  return decodeValue(pointer.codec, readPointerBytes(blobs, pointer));
}

function readInline(pointer: BlobPointer, inline: Uint8Array): Uint8Array {
  if (inline.byteLength !== pointer.bytes) {
    throw new StoreError(`inline value ${pointer.digest} has ${inline.byteLength} bytes, but ${pointer.bytes} are recorded: the metadata store is damaged`);
  }
  const out = new Uint8Array(inline);
  const digest = createHash('sha256').update(out).digest('hex');
  if (digest !== pointer.digest) throw new StoreError(`inline value ${pointer.digest} has sha256 ${digest}: the metadata store is damaged`);
  return out;
}
