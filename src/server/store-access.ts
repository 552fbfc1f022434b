/**
 * The server's read access to a Sluice home: the stores opened read-only on first use (a home
 * where nothing has run yet simply has no runs), a client for artifact resolution, and a small
 * cache of whole-run task lists for the aggregates (finished runs never change; running runs are
 * re-read at most once a second).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '../client/client.js';
import { openStore, type Store } from '../store/home.js';
import type { RunRecord, TaskRecord } from '../store/types.js';

const RUNNING_TTL_MS = 1000;
const CACHED_RUNS = 8;

interface CachedTasks {
  readonly tasks: TaskRecord[];
  readonly at: number;
  readonly finished: boolean;
}

export class StoreAccess {
  readonly home: string;
  private store: Store | undefined;
  private client: Client | undefined;
  private readonly tasks = new Map<string, CachedTasks>();
  private readonly loading = new Map<string, Promise<TaskRecord[]>>();

  constructor(home: string) {
    this.home = resolve(home);
  }

  /** The stores, or undefined while the home has no metadata database yet. */
  get(): Store | undefined {
    if (!this.store) {
      if (!existsSync(join(this.home, 'meta.db'))) return undefined;
      this.store = openStore(this.home, { readonly: true });
    }
    return this.store;
  }

  /** A read-only client on the same home (for artifact resolution through the read API). */
  reader(): Client {
    this.client ??= new Client({ home: this.home });
    return this.client;
  }

  /** Every task of a run, in id order (cached; see the module comment). */
  async runTasks(run: RunRecord): Promise<TaskRecord[]> {
    const cached = this.tasks.get(run.runId);
    const finished = run.status !== 'running';
    if (cached && (cached.finished || Date.now() - cached.at < RUNNING_TTL_MS)) {
      // Refresh recency for the LRU.
      this.tasks.delete(run.runId);
      this.tasks.set(run.runId, cached);
      return cached.tasks;
    }
    const pending = this.loading.get(run.runId);
    if (pending) return pending;
    const store = this.get();
    if (!store) return [];
    const load = store.meta
      .listTasks(run.runId)
      .then((tasks) => {
        this.tasks.delete(run.runId);
        this.tasks.set(run.runId, { tasks, at: Date.now(), finished });
        while (this.tasks.size > CACHED_RUNS) this.tasks.delete(this.tasks.keys().next().value!);
        return tasks;
      })
      .finally(() => this.loading.delete(run.runId));
    this.loading.set(run.runId, load);
    return load;
  }

  async close(): Promise<void> {
    this.tasks.clear();
    const store = this.store;
    const client = this.client;
    this.store = undefined;
    this.client = undefined;
    await Promise.all([store?.close(), client?.close()]);
  }
}
