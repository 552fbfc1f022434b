/**
 * Read access to a home's tracking data from inside a task (a pool worker or the inline
 * executor): a read-only metadata connection per home, opened on first use. Tasks never write
 * metadata; they read what the coordinator committed (earlier params, their own registrations).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadataStore } from '../store/types.js';
import type { TrackingStore } from '../store/tracking/types.js';

const open = new Map<string, MetadataStore | null>();

/**
 * The home's tracking store (read-only), or undefined when it cannot be opened. The SQLite driver
 * is imported on first use, so workers whose steps never wait on the registry do not load it.
 */
export async function readTracking(home: string): Promise<TrackingStore | undefined> {
  let store = open.get(home);
  if (store === undefined) {
    const file = join(home, 'meta.db');
    try {
      const { SqliteMetadataStore } = await import('../store/metadata/sqlite.js');
      store = existsSync(file) ? new SqliteMetadataStore(file, { readonly: true }) : null;
    } catch {
      store = null;
    }
    open.set(home, store);
  }
  return store?.tracking;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value. The coordinator commits a task's records within about
 * a tenth of a second of receiving them; the timeout only guards against a coordinator that died.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} was not committed within ${Math.round(timeoutMs / 1000)} s; is the run's coordinator still running?`);
    await sleep(delay);
    delay = Math.min(delay * 2, 100);
  }
}
