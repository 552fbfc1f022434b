/**
 * The stores a client reads, opened lazily and read-only: a client never blocks a running
 * coordinator, and opening one costs nothing until the first query.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openStore, type Store } from '../store/home.js';
import type { ArtifactStore, LogStore, MetadataStore } from '../store/types.js';
import { StoreError } from '../store/errors.js';
import { NoStoreError } from './errors.js';

/** Shared by a client and every handle it creates. */
export class Session {
  /** Absolute path of the home. */
  readonly home: string;
  private store: Store | undefined;
  private closed = false;

  constructor(home: string) {
    this.home = resolve(home);
  }

  private open(): Store {
    if (this.closed) throw new Error(`this client (home ${this.home}) is closed; create a new Client`);
    if (!this.store) {
      if (!existsSync(join(this.home, 'meta.db'))) throw new NoStoreError(this.home);
      try {
        this.store = openStore(this.home, { readonly: true });
      } catch (error) {
        if (!(error instanceof StoreError) || !/open it read-write once/.test(error.message)) throw error;
        // A store written by an older Sluice: migrate it once, then read as usual.
        openStore(this.home).close().catch(() => {});
        this.store = openStore(this.home, { readonly: true });
      }
    }
    return this.store;
  }

  get meta(): MetadataStore {
    return this.open().meta;
  }

  get blobs(): ArtifactStore {
    return this.open().blobs;
  }

  get logs(): LogStore {
    return this.open().logs;
  }

  /** Runs `fn` on a short-lived writable connection (tag changes); the read connection stays read-only. */
  async writable<T>(fn: (meta: MetadataStore) => Promise<T>): Promise<T> {
    this.open();
    const store = openStore(this.home);
    try {
      return await fn(store.meta);
    } finally {
      await store.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }
}
