/**
 * Content-addressed blobs on local disk: `<root>/ab/cd/<sha256 hex>`.
 *
 * A blob is written to a temp file in its shard directory and renamed into place, so a reader
 * never sees a half-written blob under its digest. Storing bytes that are already present writes
 * nothing. Everything is synchronous: step code loads artifacts through plain property access.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BlobNotFoundError, StoreError } from '../errors.js';
import type { ArtifactStore, BlobRef } from '../types.js';

const DIGEST = /^[0-9a-f]{64}$/;
const SHARD = /^[0-9a-f]{2}$/;
const TEMP_MARK = '.tmp-';

export interface FsArtifactStoreOptions {
  /**
   * fsync each new blob before renaming it into place. Off by default: a killed process never
   * leaves a partial blob either way; only a power loss or kernel crash can, and fsync costs
   * tens of milliseconds per blob.
   */
  readonly fsync?: boolean;
}

function assertDigest(digest: string): void {
  if (!DIGEST.test(digest)) {
    throw new StoreError(`'${digest}' is not a blob digest (expected 64 lowercase hex characters of sha256)`);
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** {@link ArtifactStore} over a directory. Cheap to construct: it touches the disk only when used. */
export class FsArtifactStore implements ArtifactStore {
  readonly kind = 'fs';
  constructor(
    /** The CAS directory (`<home>/cas`); created on the first put. */
    readonly root: string,
    private readonly options: FsArtifactStoreOptions = {},
  ) {}

  /** Where a blob with this digest lives (whether or not it exists). */
  pathOf(digest: string): string {
    assertDigest(digest);
    return join(this.root, digest.slice(0, 2), digest.slice(2, 4), digest);
  }

  put(data: Uint8Array | readonly Uint8Array[]): BlobRef {
    const chunks: readonly Uint8Array[] = data instanceof Uint8Array ? [data] : data;
    const hash = createHash('sha256');
    let bytes = 0;
    for (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
    }
    const digest = hash.digest('hex');
    if (this.has(digest)) {
      // Refresh its time: GC spares blobs newer than the oldest running run, and this one is in use again.
      const now = new Date();
      try {
        utimesSync(this.pathOf(digest), now, now);
      } catch {
        // Deleted in between: fall through and write it again.
      }
      if (this.has(digest)) return { digest, bytes };
    }

    const path = this.pathOf(digest);
    const dir = join(this.root, digest.slice(0, 2), digest.slice(2, 4));
    const temp = join(dir, `${digest}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
    let fd: number;
    try {
      fd = openSync(temp, 'wx');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      // First blob in this shard (or gc removed the empty shard): create it and retry once.
      mkdirSync(dir, { recursive: true });
      fd = openSync(temp, 'wx');
    }
    let renamed = false;
    try {
      for (const chunk of chunks) {
        let offset = 0;
        while (offset < chunk.byteLength) offset += writeSync(fd, chunk, offset, chunk.byteLength - offset);
      }
      if (this.options.fsync) fsyncSync(fd);
      closeSync(fd);
      // Concurrent writers of the same digest rename identical bytes over each other: harmless.
      renameSync(temp, path);
      renamed = true;
    } finally {
      if (!renamed) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
        try {
          unlinkSync(temp);
        } catch {
          // never created or already gone
        }
      }
    }
    return { digest, bytes };
  }

  get(digest: string): Uint8Array {
    const path = this.pathOf(digest);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new BlobNotFoundError(digest, this.root);
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      // A fresh, unpooled buffer: byteOffset 0, so typed-array codecs can view it without copying.
      const out = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
      let offset = 0;
      while (offset < size) {
        const read = readSync(fd, out, offset, size - offset, offset);
        if (read === 0) throw new StoreError(`blob ${digest} at ${path} is shorter than its recorded size`);
        offset += read;
      }
      return out;
    } finally {
      closeSync(fd);
    }
  }

  has(digest: string): boolean {
    try {
      return statSync(this.pathOf(digest)).isFile();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  delete(digest: string): boolean {
    try {
      unlinkSync(this.pathOf(digest));
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  *list(): Iterable<BlobRef> {
    for (const first of listDir(this.root)) {
      if (!SHARD.test(first)) continue;
      for (const second of listDir(join(this.root, first))) {
        if (!SHARD.test(second)) continue;
        const dir = join(this.root, first, second);
        for (const name of listDir(dir)) {
          // Temp files (in-flight or left by a crashed process) are not blobs.
          if (!DIGEST.test(name)) continue;
          try {
            yield { digest: name, bytes: statSync(join(dir, name)).size };
          } catch (error) {
            if (errorCode(error) !== 'ENOENT') throw error; // deleted while listing
          }
        }
      }
    }
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}
