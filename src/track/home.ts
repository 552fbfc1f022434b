/**
 * Which Sluice home the tracking API uses when not told: inside a run, the run's own home (set
 * by the runtime for every task); otherwise SLUICE_HOME or ./.sluice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, resolveHome, type Store } from '../store/home.js';

let runHome: string | undefined;

/** Called by the runtime integration for every task: `loadModel()` in a step reads the run's home. */
export function setRunHome(home: string): void {
  runHome = home;
}

export function defaultHome(): string {
  return runHome ?? resolveHome();
}

/** A home's stores, opened on first use; read-only until something needs to write. */
export class HomeStore {
  private store: Store | undefined;
  private writable = false;

  constructor(readonly home: string = defaultHome()) {}

  /** The stores; throws a clear error when nothing has run with this home and `write` is false. */
  open(write = false): Store {
    if (this.store && (this.writable || !write)) return this.store;
    if (!write && !existsSync(join(this.home, 'meta.db'))) {
      throw new Error(`no Sluice store at ${this.home} (no meta.db: nothing has run with this home yet); run a flow first, or set SLUICE_HOME`);
    }
    void this.store?.close();
    this.store = openStore(this.home, { readonly: !write });
    this.writable = write;
    return this.store;
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }
}
