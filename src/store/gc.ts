/**
 * Garbage collection of a local home: deletes old runs (metadata, logs and run-owned files) and
 * every blob nothing kept references.
 *
 * 1. Choose runs to delete: per flow, the runs beyond the newest `keepLast` that are also older
 *    than `olderThanMs`. Never a `running` run, never a protected run, and never a run a kept run
 *    was resumed or cloned from (its tasks may point there).
 * 2. Delete their metadata (one transaction), logs and the files sources say belong to them.
 * 3. Mark: the blobs referenced by the remaining runs' artifacts (item manifests expanded to their
 *    items), their tasks' foreach item pointers, the sources' roots (checkpoints, later the step
 *    cache and model registry) and `extraRoots`. A packed item marks its pack (its own digest is
 *    not a blob); a pack shorter than an item recorded in it is reported as truncated. An inline
 *    artifact (a small task output kept in its metadata row) references no blob and marks nothing.
 * 4. Sweep every unmarked blob whose file is older than the in-flight cutoff: the start of the
 *    oldest running run, or of this collection if none runs (a running task may have written
 *    blobs it has not recorded yet). Temp files abandoned by dead writers go too.
 *
 * The metadata part speaks SQL to the SQLite file directly (its own connection); the PostgreSQL
 * backend will need the same `deleteRuns` and reference scan.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BlobNotFoundError, StoreError } from './errors.js';
import { openBlobStore } from './home.js';
import type { ArtifactStore, BlobPointer, FrameRecord, RunStatus } from './types.js';
import { ITEMS_CODEC, loadItemPointers } from './values.js';

/** A blob to keep: its digest, or its pointer (item manifests given as pointers keep their items). */
export type GcRoot = string | BlobPointer;

/** What a GC source is told while marking. */
export interface GcContext {
  /** Whether a run is (being) deleted in this collection: its references do not count. */
  isDeleted(runId: string): boolean;
  readonly blobs: ArtifactStore;
}

/**
 * Something besides run artifacts that references blobs or owns per-run files: checkpoints, the
 * step cache, the model registry.
 */
export interface GcSource {
  /** Shown in reports and errors. */
  readonly name: string;
  /** Blobs this source needs kept: digests, or pointers (an item manifest's pointer keeps its items too). */
  roots(context: GcContext): Iterable<GcRoot>;
  /** Files or directories belonging to a run, deleted with it. */
  runFiles?(run: { readonly flow: string; readonly runId: string }): readonly string[];
}

export interface GcOptions {
  readonly home: string;
  /** Per flow, keep the newest N runs. Omitted: no run is protected by its rank. */
  readonly keepLast?: number;
  /** Only delete runs created more than this long ago (ms). Omitted: any age. */
  readonly olderThanMs?: number;
  /** Report what would go and delete nothing. */
  readonly dryRun?: boolean;
  /** Blobs to keep whatever the runs say (callers' own references): digests or pointers. */
  readonly extraRoots?: Iterable<GcRoot>;
  /** Further reference holders (see `checkpointGcSource` in runtime/checkpoint.ts). */
  readonly sources?: readonly GcSource[];
  /** Runs never to delete (e.g. runs that produced a registered model version). */
  readonly protectRuns?: Iterable<string>;
  /** "Now" for run ages (tests); defaults to the clock. */
  readonly now?: number;
  /** Slack subtracted from the in-flight cutoff for coarse file timestamps (ms, default 5000). */
  readonly inFlightMarginMs?: number;
}

export interface GcRunSummary {
  readonly flow: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly createdAt: number;
}

export interface GcReport {
  readonly dryRun: boolean;
  /** Blobs modified at or after this time were spared as possibly in flight. */
  readonly inFlightCutoff: number;
  /** The running run that set the cutoff, if any. */
  readonly cutoffRun: string | null;
  readonly runs: {
    readonly total: number;
    readonly deleted: readonly GcRunSummary[];
    readonly kept: number;
    readonly running: number;
    /** Runs old enough to go but kept because a kept run was resumed or cloned from them. */
    readonly keptAsOrigin: readonly string[];
  };
  readonly blobs: {
    readonly total: number;
    readonly referenced: number;
    readonly deleted: number;
    readonly bytesFreed: number;
    readonly sparedInFlight: number;
    readonly bytesKept: number;
    /** Referenced digests that are not in the blob store (damage found while marking). */
    readonly missing: readonly string[];
    /** Packs shorter than an item recorded inside them (damage found while marking). */
    readonly truncated: readonly string[];
  };
  /** Logs, checkpoints and other run-owned files of deleted runs, and abandoned temp files. */
  readonly files: { readonly deleted: number; readonly bytesFreed: number };
  readonly bytesFreed: number;
}

/** GC cannot run (no store, another GC running, a reference that blocks a delete). */
export class GcError extends StoreError {
  override readonly name: string = 'GcError';
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `7d`, `12h`, `30m`, `45s`, `2w`, `1d12h` into milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (trimmed === '' || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new GcError(`${what} must be a duration like 7d, 12h, 30m or 1d12h (units ms, s, m, h, d, w), got ${JSON.stringify(text)}`);
  }
  return parts.reduce((total, p) => total + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** Rows that say which runs exist and what they were cloned from. */
interface RunRow {
  readonly run_id: string;
  readonly flow: string;
  readonly status: RunStatus;
  readonly created_at: number;
  readonly origin_run_id: string | null;
}

function openDb(file: string, readonly: boolean): Database.Database {
  if (!existsSync(file)) throw new GcError(`no metadata store at ${file}: refusing to collect blobs without knowing which runs reference them`);
  const db = new Database(file, { readonly, fileMustExist: true, timeout: 10_000 });
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Tables whose rows belong to one run, deleted child-first before the run itself. */
const RUN_OWNED_TABLES = ['artifacts', 'events', 'run_tags', 'tasks'] as const;

/**
 * Deletes runs and everything recorded under them (tasks, artifacts records, events, tags) from a
 * SQLite metadata file, in one transaction, through its own connection. Blobs are untouched.
 * Returns how many runs were deleted.
 */
export function deleteRuns(dbFile: string, runIds: Iterable<string>): number {
  const db = openDb(dbFile, false);
  try {
    return deleteRunsIn(db, runIds);
  } finally {
    db.close();
  }
}

function deleteRunsIn(db: Database.Database, runIds: Iterable<string>): number {
  const ids = [...new Set(runIds)];
  if (ids.length === 0) return 0;
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  let deleted = 0;
  db.transaction(() => {
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const marks = chunk.map(() => '?').join(', ');
      for (const table of RUN_OWNED_TABLES) if (tables.has(table)) db.prepare(`DELETE FROM ${table} WHERE run_id IN (${marks})`).run(chunk);
      try {
        deleted += db.prepare(`DELETE FROM runs WHERE run_id IN (${marks})`).run(chunk).changes;
      } catch (error) {
        throw new GcError(
          `cannot delete runs ${chunk.slice(0, 3).join(', ')}${chunk.length > 3 ? '…' : ''}: ${(error as Error).message} ` +
            `(another table references them; it needs ON DELETE CASCADE or GC must keep those runs)`,
          { cause: error },
        );
      }
    }
  }).immediate();
  return deleted;
}

/** The run id of a `Flow/RunId/Step/TaskId` pathspec. */
function pathspecRun(pathspec: string): string | undefined {
  return pathspec.split('/')[1];
}

/** Chooses the runs to delete (step 1). Pure, for tests. */
export function chooseRuns(
  runs: readonly RunRow[],
  origins: ReadonlyMap<string, ReadonlySet<string>>,
  options: { keepLast?: number; olderThanMs?: number; now: number; protect: ReadonlySet<string> },
): { deleted: Set<string>; keptAsOrigin: string[] } {
  const deleted = new Set<string>();
  if (options.keepLast === undefined && options.olderThanMs === undefined) return { deleted, keptAsOrigin: [] };
  const byFlow = new Map<string, RunRow[]>();
  for (const run of runs) {
    const list = byFlow.get(run.flow) ?? [];
    list.push(run);
    byFlow.set(run.flow, list);
  }
  for (const list of byFlow.values()) {
    list.sort((a, b) => (a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0));
    list.forEach((run, rank) => {
      if (rank < (options.keepLast ?? 0)) return;
      if (options.olderThanMs !== undefined && run.created_at > options.now - options.olderThanMs) return;
      if (run.status === 'running' || options.protect.has(run.run_id)) return;
      deleted.add(run.run_id);
    });
  }
  // A kept run may point into the runs it was resumed or cloned from: keep those too (transitively).
  const keptAsOrigin: string[] = [];
  const queue = runs.filter((r) => !deleted.has(r.run_id)).map((r) => r.run_id);
  while (queue.length > 0) {
    for (const origin of origins.get(queue.pop()!) ?? []) {
      if (!deleted.delete(origin)) continue;
      keptAsOrigin.push(origin);
      queue.push(origin);
    }
  }
  return { deleted, keptAsOrigin };
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Total size of the files under a path (0 when absent). */
function sizeOf(path: string): { files: number; bytes: number } {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { files: 0, bytes: 0 };
    throw error;
  }
  if (!stat.isDirectory()) return { files: 1, bytes: stat.size };
  const total = { files: 0, bytes: 0 };
  for (const name of readdirSync(path)) {
    const inner = sizeOf(join(path, name));
    total.files += inner.files;
    total.bytes += inner.bytes;
  }
  return total;
}

/** Holds `<home>/gc.lock` for one collection; a lock whose process is gone is taken over. */
function takeLock(home: string): () => void {
  const lock = join(home, 'gc.lock');
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const pid = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid > 0;
    } catch (error) {
      alive = errorCode(error) === 'EPERM';
    }
    if (alive) throw new GcError(`another gc (pid ${pid}) is collecting ${home}; wait for it, or delete ${lock} if that process is not sluice`);
    rmSync(lock, { force: true });
  }
  throw new GcError(`could not take ${lock}; another gc keeps starting`);
}

const DIGEST = /^[0-9a-f]{64}$/;
const SHARD = /^[0-9a-f]{2}$/;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Removes temp files in the CAS older than `before` (left by writers that died mid-put). */
function sweepTempFiles(casRoot: string, before: number, dryRun: boolean): { deleted: number; bytes: number } {
  const result = { deleted: 0, bytes: 0 };
  for (const a of listDir(casRoot).filter((n) => SHARD.test(n))) {
    for (const b of listDir(join(casRoot, a)).filter((n) => SHARD.test(n))) {
      for (const name of listDir(join(casRoot, a, b))) {
        if (DIGEST.test(name) || !name.includes('.tmp-')) continue;
        const path = join(casRoot, a, b, name);
        try {
          const stat = statSync(path);
          if (stat.mtimeMs >= before) continue;
          if (!dryRun) unlinkSync(path);
          result.deleted++;
          result.bytes += stat.size;
        } catch (error) {
          if (errorCode(error) !== 'ENOENT') throw error;
        }
      }
    }
  }
  return result;
}

/** What marking found: blobs to keep, referenced blobs not found, and how far into each pack items reach. */
interface Marks {
  readonly marked: Set<string>;
  readonly missing: Set<string>;
  readonly packEnds: Map<string, number>;
}

/** Marks one pointer, expanding item manifests into their items; a packed item marks its pack. */
function markPointer(pointer: BlobPointer, blobs: ArtifactStore, marks: Marks): void {
  if (pointer.inline !== undefined) return; // its bytes are in the pointer: no blob to keep
  if (pointer.pack !== undefined) {
    const end = (pointer.offset ?? 0) + pointer.bytes;
    if (end > (marks.packEnds.get(pointer.pack) ?? 0)) marks.packEnds.set(pointer.pack, end);
    marks.marked.add(pointer.pack);
    return;
  }
  if (marks.marked.has(pointer.digest)) return;
  marks.marked.add(pointer.digest);
  if (pointer.codec !== ITEMS_CODEC) return;
  try {
    for (const item of loadItemPointers(blobs, pointer)) markPointer(item, blobs, marks);
  } catch (error) {
    if (error instanceof BlobNotFoundError) marks.missing.add(pointer.digest);
    else throw error;
  }
}

/** Marks what the remaining runs reference (step 3, metadata part). */
function markRuns(db: Database.Database, isDeleted: (runId: string) => boolean, blobs: ArtifactStore, marks: Marks): void {
  // Inline artifacts (schema 6) hold their bytes in the row and reference no blob: not marked, never missing.
  const hasInline = (db.prepare('PRAGMA table_info(artifacts)').all() as { name: string }[]).some((c) => c.name === 'inline');
  const sql = `SELECT run_id, digest, codec, bytes FROM artifacts${hasInline ? ' WHERE inline IS NULL' : ''}`;
  for (const row of db.prepare(sql).iterate() as Iterable<BlobPointer & { run_id: string }>) {
    if (!isDeleted(row.run_id)) markPointer(row, blobs, marks);
  }
  const stacks = db.prepare(`SELECT run_id, foreach_stack FROM tasks WHERE foreach_stack <> '[]'`).iterate() as Iterable<{ run_id: string; foreach_stack: string }>;
  for (const row of stacks) {
    if (isDeleted(row.run_id)) continue;
    for (const frame of JSON.parse(row.foreach_stack) as FrameRecord[]) if (frame.item) markPointer(frame.item, blobs, marks);
  }
}

/** Deletes old runs and unreferenced blobs of a home; see the module comment for the rules. */
export function collectGarbage(options: GcOptions): GcReport {
  const { home } = options;
  const dryRun = options.dryRun ?? false;
  const startedAt = Date.now();
  const now = options.now ?? startedAt;
  for (const [name, value] of [
    ['keepLast', options.keepLast],
    ['olderThanMs', options.olderThanMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new GcError(`gc option ${name} must be a non-negative number, got ${value}`);
  }
  const dbFile = join(home, 'meta.db');
  const release = dryRun ? () => {} : takeLock(home);
  try {
    const db = openDb(dbFile, dryRun);
    try {
      // 1. choose
      const runs = db.prepare('SELECT run_id, flow, status, created_at, origin_run_id FROM runs').all() as RunRow[];
      const origins = new Map<string, Set<string>>();
      const addOrigin = (runId: string, origin: string | null | undefined): void => {
        if (!origin || origin === runId) return;
        const set = origins.get(runId) ?? new Set<string>();
        set.add(origin);
        origins.set(runId, set);
      };
      for (const run of runs) addOrigin(run.run_id, run.origin_run_id);
      const clones = db.prepare('SELECT DISTINCT run_id, origin_pathspec FROM tasks WHERE origin_pathspec IS NOT NULL').iterate();
      for (const row of clones as Iterable<{ run_id: string; origin_pathspec: string }>) addOrigin(row.run_id, pathspecRun(row.origin_pathspec));
      const { deleted, keptAsOrigin } = chooseRuns(runs, origins, {
        keepLast: options.keepLast,
        olderThanMs: options.olderThanMs,
        now,
        protect: new Set(options.protectRuns ?? []),
      });
      const running = runs.filter((r) => r.status === 'running').sort((a, b) => a.created_at - b.created_at);
      const margin = options.inFlightMarginMs ?? 5_000;
      const cutoffRun = running[0] ?? null;
      const inFlightCutoff = Math.min(startedAt, cutoffRun?.created_at ?? startedAt) - margin;

      // 2. delete runs and their files
      const deletedRuns = runs.filter((r) => deleted.has(r.run_id));
      if (!dryRun) deleteRunsIn(db, deleted);
      const files = { deleted: 0, bytesFreed: 0 };
      for (const run of deletedRuns) {
        const paths = [join(home, 'logs', run.flow, run.run_id), ...(options.sources ?? []).flatMap((s) => s.runFiles?.({ flow: run.flow, runId: run.run_id }) ?? [])];
        for (const path of paths) {
          const size = sizeOf(path);
          files.deleted += size.files;
          files.bytesFreed += size.bytes;
          if (!dryRun) rmSync(path, { recursive: true, force: true });
        }
      }

      // 3. mark
      const blobs = openBlobStore(home);
      const isDeleted = (runId: string): boolean => deleted.has(runId);
      const marks: Marks = { marked: new Set(), missing: new Set(), packEnds: new Map() };
      const { marked, missing } = marks;
      markRuns(db, isDeleted, blobs, marks);
      const markRoot = (root: GcRoot): void => (typeof root === 'string' ? void marked.add(root) : markPointer(root, blobs, marks));
      for (const source of options.sources ?? []) for (const root of source.roots({ isDeleted, blobs })) markRoot(root);
      for (const root of options.extraRoots ?? []) markRoot(root);

      // 4. sweep
      const sweep = { total: 0, deleted: 0, bytesFreed: 0, spared: 0, bytesKept: 0 };
      const present = new Map<string, number>();
      for (const ref of blobs.list()) {
        present.set(ref.digest, ref.bytes);
        sweep.total++;
        if (marked.has(ref.digest)) {
          sweep.bytesKept += ref.bytes;
          continue;
        }
        let mtime: number;
        try {
          mtime = statSync(blobs.pathOf(ref.digest)).mtimeMs;
        } catch (error) {
          if (errorCode(error) === 'ENOENT') continue;
          throw error;
        }
        if (mtime >= inFlightCutoff) {
          sweep.spared++;
          sweep.bytesKept += ref.bytes;
          continue;
        }
        if (!dryRun) blobs.delete(ref.digest);
        sweep.deleted++;
        sweep.bytesFreed += ref.bytes;
      }
      for (const digest of marked) if (!present.has(digest)) missing.add(digest);
      const truncated = [...marks.packEnds].filter(([pack, end]) => present.has(pack) && present.get(pack)! < end).map(([pack]) => pack);
      const temps = sweepTempFiles(blobs.root, Math.min(inFlightCutoff, startedAt - 3_600_000), dryRun);
      files.deleted += temps.deleted;
      files.bytesFreed += temps.bytes;

      return {
        dryRun,
        inFlightCutoff,
        cutoffRun: cutoffRun?.run_id ?? null,
        runs: {
          total: runs.length,
          deleted: deletedRuns.map((r) => ({ flow: r.flow, runId: r.run_id, status: r.status, createdAt: r.created_at })),
          kept: runs.length - deletedRuns.length,
          running: running.length,
          keptAsOrigin,
        },
        blobs: {
          total: sweep.total,
          referenced: marked.size,
          deleted: sweep.deleted,
          bytesFreed: sweep.bytesFreed,
          sparedInFlight: sweep.spared,
          bytesKept: sweep.bytesKept,
          missing: [...missing].sort(),
          truncated: truncated.sort(),
        },
        files,
        bytesFreed: sweep.bytesFreed + files.bytesFreed,
      };
    } finally {
      db.close();
    }
  } finally {
    release();
  }
}
