/**
 * Metadata in one SQLite file (better-sqlite3), in WAL mode so readers (the UI, `sluice logs`)
 * never wait for the writer (the run coordinator).
 */
import Database from 'better-sqlite3';
import { StoreError, SchemaVersionError } from '../errors.js';
import type {
  ArtifactRecord,
  EventRecord,
  FlowRecord,
  MetadataStore,
  RunQuery,
  RunRecord,
  TaskQuery,
  TaskRecord,
  TaskStatus,
  WriteOp,
} from '../types.js';
import {
  artifactFromRow,
  assertRunStatus,
  cleanTags,
  eventFromRow,
  RUN_COLUMNS,
  runFromRow,
  runValues,
  TASK_COLUMNS,
  TASK_STATUSES,
  taskFromRow,
  type ArtifactRow,
  type EventRow,
  type RunRow,
  type TagRow,
  type TaskRow,
} from './rows.js';
import { opError, planWrite, type WritePlan } from './plan.js';
import { INLINE_SCHEMA_VERSION, META_TABLE, MIGRATIONS, renderSql, type Migration } from './schema.js';
import { SqliteTrackingStore, TRACKING_SCHEMA_VERSION } from './tracking/store.js';

export interface SqliteMetadataStoreOptions {
  /** Open without write access (for viewers); the schema must already be current. */
  readonly readonly?: boolean;
  /** Schema migrations to apply; defaults to Sluice's own (tests substitute others). */
  readonly migrations?: readonly Migration[];
}

const BUSY_TIMEOUT_MS = 10_000;

/** Upper bound on rows per multi-row statement (13 task columns × 256 rows stays far below SQLite's 32766 variables). */
const MAX_ROWS_PER_STATEMENT = 256;

const placeholders = (width: number, rows: number): string => {
  const row = `(${new Array<string>(width).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
};

/** Artifact columns in the order of the planned rows (plan.ts); `inline` last. */
const ARTIFACT_COLUMNS = ['run_id', 'task_id', 'name', 'digest', 'codec', 'bytes', 'type', 'inline'] as const;

/** Multi-row statements, by table, for a given row count. */
const MULTI_ROW = {
  tasks: (rows: number) =>
    `INSERT INTO tasks (${TASK_COLUMNS.join(', ')}) VALUES ${placeholders(TASK_COLUMNS.length, rows)}
    ON CONFLICT (run_id, task_id) DO UPDATE SET ${TASK_COLUMNS.slice(2)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`,
  artifacts: (rows: number) =>
    `INSERT INTO artifacts (${ARTIFACT_COLUMNS.join(', ')}) VALUES ${placeholders(ARTIFACT_COLUMNS.length, rows)}`,
  /** Stores opened at a schema before `artifacts.inline` (tests of old stores). */
  'artifacts-old': (rows: number) =>
    `INSERT INTO artifacts (${ARTIFACT_COLUMNS.slice(0, -1).join(', ')}) VALUES ${placeholders(ARTIFACT_COLUMNS.length - 1, rows)}`,
  events: (rows: number) => `INSERT INTO events (run_id, time, kind, payload) VALUES ${placeholders(4, rows)}`,
  'artifacts-delete': (rows: number) =>
    `DELETE FROM artifacts WHERE run_id = ? AND task_id IN (${new Array<string>(rows).fill('?').join(', ')})`,
} as const;

/** Calls `body` for consecutive chunks covering `total` items, each a power of two in size. */
function forChunks(total: number, body: (start: number, size: number) => void): void {
  let start = 0;
  while (start < total) {
    let size = MAX_ROWS_PER_STATEMENT;
    while (size > total - start) size >>= 1;
    body(start, size);
    start += size;
  }
}
const TASK_SELECT = `SELECT t.*, r.flow FROM tasks t JOIN runs r ON r.run_id = t.run_id`;
const RUN_PATCH_COLUMNS = { status: 'status', endedAt: 'ended_at', error: 'error', heartbeatAt: 'heartbeat_at' } as const;
type RunPatch = Extract<WriteOp, { op: 'run' }>['patch'];

function checkLimit(limit: number | undefined, what: string): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new StoreError(`${what} limit ${String(limit)} must be a non-negative integer`);
  }
}

/** {@link MetadataStore} over a SQLite file. Synchronous underneath; every promise is already settled. */
export class SqliteMetadataStore implements MetadataStore {
  readonly kind = 'sqlite';
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writeBatch: (plan: WritePlan) => void;
  /** Params, metrics, run search and the model registry, on the same connection. */
  readonly tracking: SqliteTrackingStore;

  constructor(
    /** Path of the database file (`<home>/meta.db`). */
    readonly file: string,
    options: SqliteMetadataStoreOptions = {},
  ) {
    const migrations = options.migrations ?? MIGRATIONS;
    checkMigrations(migrations);
    this.schemaVersion = migrations[migrations.length - 1]!.version;
    try {
      this.db = new Database(file, {
        readonly: options.readonly ?? false,
        fileMustExist: options.readonly ?? false,
        timeout: BUSY_TIMEOUT_MS,
      });
    } catch (error) {
      throw new StoreError(`cannot open metadata store ${file}: ${(error as Error).message}`, { cause: error });
    }
    try {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!options.readonly) this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate(migrations, options.readonly ?? false);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.tracking = new SqliteTrackingStore(this.db);
    const batch = this.db.transaction((plan: WritePlan) => this.applyPlan(plan));
    this.writeBatch = (plan) => batch.immediate(plan);
  }

  // ---- schema ----

  private readVersion(): number | undefined {
    const table = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get();
    if (!table) return undefined;
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    return row === undefined ? undefined : Number(row.value);
  }

  private migrate(migrations: readonly Migration[], readonly: boolean): void {
    const target = this.schemaVersion;
    const check = (found: number | undefined): boolean => {
      if (found !== undefined && found > target) throw new SchemaVersionError(found, target, this.file);
      return found === target;
    };
    // Read first without a write lock: a viewer opening a current database never waits.
    if (check(this.readVersion())) return;
    if (readonly) {
      throw new StoreError(
        `metadata store ${this.file} has schema ${this.readVersion() ?? 'none'}, this build needs ${target}; open it read-write once (any sluice run) to migrate`,
      );
    }
    const run = this.db.transaction(() => {
      this.db.exec(META_TABLE);
      const found = this.readVersion() ?? 0;
      if (check(found)) return; // another process migrated while we waited for the lock
      for (const migration of migrations) {
        if (migration.version <= found) continue;
        for (const sql of migration.statements) {
          try {
            this.db.exec(renderSql(sql, 'sqlite'));
          } catch (error) {
            throw new StoreError(
              `migrating ${this.file} to schema ${migration.version} (${migration.description}) failed: ${(error as Error).message}`,
              { cause: error },
            );
          }
        }
      }
      this.db
        .prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(String(target));
    });
    run.immediate();
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  // ---- runs ----

  async createRun(run: RunRecord): Promise<void> {
    assertRunStatus(run.status, run.runId);
    const tags = cleanTags(run.tags, run.runId);
    const systemTags = cleanTags(run.systemTags, run.runId);
    const clash = tags.find((tag) => systemTags.includes(tag));
    if (clash !== undefined) {
      throw new StoreError(`run ${run.runId}: tag '${clash}' is both a user tag and a system tag; drop it from the user tags`);
    }
    const values = runValues(run);
    this.db
      .transaction(() => {
        if (this.stmt('SELECT 1 FROM runs WHERE run_id = ?').get(run.runId)) {
          throw new StoreError(`run ${run.runId} already exists; run ids must be unique (use newRunId())`);
        }
        this.stmt('INSERT INTO flows (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(run.flow, run.createdAt);
        this.stmt(`INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`).run(values);
        const insertTag = this.stmt('INSERT INTO run_tags (run_id, tag, system) VALUES (?, ?, ?)');
        for (const tag of systemTags) insertTag.run(run.runId, tag, 1);
        for (const tag of tags) insertTag.run(run.runId, tag, 0);
        // Flow params are the run's first tracked params (searchable like logged ones).
        if (this.schemaVersion >= TRACKING_SCHEMA_VERSION) this.tracking.recordFlowParams(run.runId, run.params ?? {}, run.createdAt);
      })
      .immediate();
  }

  private tagsOf(runId: string): TagRow[] {
    return this.stmt('SELECT tag, system FROM run_tags WHERE run_id = ? ORDER BY tag').all(runId) as TagRow[];
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.stmt('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
    return row && runFromRow(row, this.tagsOf(runId));
  }

  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    checkLimit(query.limit, 'listRuns');
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.flow !== undefined) {
      where.push('r.flow = ?');
      args.push(query.flow);
    }
    if (query.status !== undefined) {
      where.push('r.status = ?');
      args.push(query.status);
    }
    if (query.before !== undefined) {
      where.push('r.run_id < ?');
      args.push(query.before);
    }
    for (const tag of new Set(query.tags ?? [])) {
      where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.tag = ?)');
      args.push(tag);
    }
    let sql = `SELECT r.* FROM runs r${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.run_id DESC`;
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(query.limit);
    }
    const rows = this.stmt(sql).all(args) as RunRow[];
    return rows.map((row) => runFromRow(row, this.tagsOf(row.run_id)));
  }

  async listFlows(): Promise<FlowRecord[]> {
    const rows = this.stmt('SELECT name, created_at FROM flows ORDER BY name').all() as { name: string; created_at: number }[];
    return rows.map((row) => ({ name: row.name, createdAt: row.created_at }));
  }

  // ---- tags ----

  private changeTags(runId: string, tags: readonly string[], action: 'add' | 'remove'): void {
    const clean = cleanTags(tags, runId);
    this.db
      .transaction(() => {
        if (!this.stmt('SELECT 1 FROM runs WHERE run_id = ?').get(runId)) {
          throw new StoreError(`cannot ${action} tags: run ${runId} does not exist`);
        }
        const system = new Set(this.tagsOf(runId).filter((t) => t.system !== 0).map((t) => t.tag));
        const clash = clean.find((tag) => system.has(tag));
        if (clash !== undefined) {
          throw new StoreError(`cannot ${action} tag '${clash}' on run ${runId}: it is a system tag, and system tags are immutable`);
        }
        const statement =
          action === 'add'
            ? this.stmt('INSERT INTO run_tags (run_id, tag, system) VALUES (?, ?, 0) ON CONFLICT (run_id, tag) DO NOTHING')
            : this.stmt('DELETE FROM run_tags WHERE run_id = ? AND tag = ? AND system = 0');
        for (const tag of clean) statement.run(runId, tag);
      })
      .immediate();
  }

  async addTags(runId: string, tags: readonly string[]): Promise<void> {
    this.changeTags(runId, tags, 'add');
  }

  async removeTags(runId: string, tags: readonly string[]): Promise<void> {
    this.changeTags(runId, tags, 'remove');
  }

  // ---- writes ----

  async write(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    const plan = planWrite(ops);
    this.writeBatch(plan);
  }

  /** Applies a checked batch inside the write transaction, many rows per statement. */
  private applyPlan(plan: WritePlan): void {
    const exists = this.stmt('SELECT 1 FROM runs WHERE run_id = ?');
    for (const [runId, index] of plan.runs) {
      if (!exists.get(runId)) throw opError(plan.ops, index, `run ${runId} does not exist (create it first)`);
    }
    this.insertRows('tasks', plan.tasks, plan.ops);

    // A done write carries the attempt's full set of outputs: replace, never merge.
    const replaced = new Map<string, number[]>();
    for (const set of plan.artifacts) {
      const ids = replaced.get(set.runId) ?? [];
      ids.push(set.taskId);
      replaced.set(set.runId, ids);
    }
    for (const [runId, taskIds] of replaced) {
      forChunks(taskIds.length, (start, size) => {
        this.multiRowStatement('artifacts-delete', size).run(runId, ...taskIds.slice(start, start + size));
      });
    }
    const artifactRows = plan.artifacts.flatMap((set) => set.rows.map((values) => ({ index: set.index, values })));
    if (this.schemaVersion >= INLINE_SCHEMA_VERSION) this.insertRows('artifacts', artifactRows, plan.ops);
    else {
      const inline = artifactRows.find((row) => row.values[ARTIFACT_COLUMNS.length - 1] !== null);
      if (inline) throw opError(plan.ops, inline.index, `metadata store ${this.file} is at schema ${this.schemaVersion}, which cannot hold inline artifacts (schema ${INLINE_SCHEMA_VERSION} can)`);
      this.insertRows('artifacts-old', artifactRows.map((row) => ({ index: row.index, values: row.values.slice(0, -1) })), plan.ops);
    }
    this.insertRows('events', plan.events, plan.ops);
    if (plan.tracking.length > 0) this.tracking.applyOps(plan.tracking, plan.ops);

    for (const { index, op } of plan.runPatches) {
      try {
        this.applyRunPatch(op.runId, op.patch);
      } catch (error) {
        throw opError(plan.ops, index, (error as Error).message, error);
      }
    }
  }

  /**
   * One prepared statement per (table, row count); row counts are powers of two up to
   * {@link MAX_ROWS_PER_STATEMENT}, so a handful of statements serve any batch size.
   */
  private multiRowStatement(table: keyof typeof MULTI_ROW, rows: number): Database.Statement {
    const key = `${table}:${rows}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(MULTI_ROW[table](rows));
      this.statements.set(key, statement);
    }
    return statement;
  }

  private insertRows(
    table: 'tasks' | 'artifacts' | 'artifacts-old' | 'events',
    rows: readonly { readonly index: number; readonly values: readonly unknown[] }[],
    ops: readonly WriteOp[],
  ): void {
    forChunks(rows.length, (start, size) => {
      const args: unknown[] = [];
      for (let i = start; i < start + size; i++) for (const value of rows[i]!.values) args.push(value);
      try {
        this.multiRowStatement(table, size).run(args);
      } catch (error) {
        // The failed statement was rolled back on its own: replay its rows one by one to name the culprit.
        for (let i = start; i < start + size; i++) {
          try {
            this.multiRowStatement(table, 1).run(rows[i]!.values);
          } catch (single) {
            throw opError(ops, rows[i]!.index, (single as Error).message, single);
          }
        }
        throw opError(ops, rows[start]!.index, (error as Error).message, error);
      }
    });
  }

  private applyRunPatch(runId: string, patch: RunPatch): void {
    const keys = (Object.keys(RUN_PATCH_COLUMNS) as (keyof typeof RUN_PATCH_COLUMNS)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return;
    const sql = `UPDATE runs SET ${keys.map((k) => `${RUN_PATCH_COLUMNS[k]} = ?`).join(', ')} WHERE run_id = ?`;
    const result = this.stmt(sql).run(...keys.map((k) => patch[k]), runId);
    if (result.changes === 0) throw new StoreError(`run ${runId} does not exist`);
  }

  // ---- tasks, artifacts, events ----

  async getTask(runId: string, taskId: number): Promise<TaskRecord | undefined> {
    const row = this.stmt(`${TASK_SELECT} WHERE t.run_id = ? AND t.task_id = ?`).get(runId, taskId) as TaskRow | undefined;
    return row && taskFromRow(row);
  }

  async listTasks(runId: string, query: TaskQuery = {}): Promise<TaskRecord[]> {
    checkLimit(query.limit, 'listTasks');
    let sql = `${TASK_SELECT} WHERE t.run_id = ?`;
    const args: unknown[] = [runId];
    if (query.step !== undefined) {
      sql += ' AND t.step = ?';
      args.push(query.step);
    }
    if (query.after !== undefined) {
      sql += ' AND t.task_id > ?';
      args.push(query.after);
    }
    sql += ' ORDER BY t.task_id';
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(query.limit);
    }
    return (this.stmt(sql).all(args) as TaskRow[]).map(taskFromRow);
  }

  async countTasks(runId: string): Promise<Record<string, Record<TaskStatus, number>>> {
    const rows = this.stmt('SELECT step, status, COUNT(*) AS n FROM tasks WHERE run_id = ? GROUP BY step, status').all(runId) as {
      step: string;
      status: TaskStatus;
      n: number;
    }[];
    const counts: Record<string, Record<TaskStatus, number>> = {};
    for (const row of rows) {
      const step = (counts[row.step] ??= Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>);
      step[row.status] = row.n;
    }
    return counts;
  }

  async findCached(cacheKey: string): Promise<TaskRecord | undefined> {
    const row = this.stmt(`${TASK_SELECT} WHERE t.cache_key = ? AND t.status = 'done' ORDER BY t.ended_at DESC LIMIT 1`).get(cacheKey) as
      | TaskRow
      | undefined;
    return row && taskFromRow(row);
  }

  async listCached(query: { readonly flow?: string; readonly step?: string; readonly limit?: number } = {}): Promise<TaskRecord[]> {
    checkLimit(query.limit, 'listCached');
    const { where, args } = cacheFilter(query);
    const limit = query.limit === undefined ? '' : ` LIMIT ${query.limit}`;
    const rows = this.stmt(`${TASK_SELECT} WHERE ${where} ORDER BY t.ended_at DESC${limit}`).all(...args) as TaskRow[];
    return rows.map(taskFromRow);
  }

  async clearCached(query: { readonly flow?: string; readonly step?: string } = {}): Promise<number> {
    const { where, args } = cacheFilter(query);
    const result = this.stmt(
      `UPDATE tasks SET cache_key = NULL WHERE rowid IN (SELECT t.rowid FROM tasks t JOIN runs r ON r.run_id = t.run_id WHERE ${where})`,
    ).run(...args);
    return result.changes;
  }

  async listArtifacts(runId: string, taskId: number): Promise<ArtifactRecord[]> {
    const rows = this.stmt('SELECT * FROM artifacts WHERE run_id = ? AND task_id = ? ORDER BY name').all(runId, taskId) as ArtifactRow[];
    return rows.map(artifactFromRow);
  }

  async listEvents(query: { readonly runId?: string; readonly afterSeq?: number; readonly limit?: number }): Promise<EventRecord[]> {
    checkLimit(query.limit, 'listEvents');
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.runId !== undefined) {
      where.push('run_id = ?');
      args.push(query.runId);
    }
    if (query.afterSeq !== undefined) {
      where.push('seq > ?');
      args.push(query.afterSeq);
    }
    let sql = `SELECT * FROM events${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      args.push(query.limit);
    }
    return (this.stmt(sql).all(args) as EventRow[]).map(eventFromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.statements.clear();
  }
}

function checkMigrations(migrations: readonly Migration[]): void {
  if (migrations.length === 0) throw new StoreError('no schema migrations given');
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new StoreError(`schema migration #${i} has version ${migration.version}; versions must run 1, 2, 3... without gaps`);
    }
  });
}

function cacheFilter(query: { readonly flow?: string; readonly step?: string }): { where: string; args: unknown[] } {
  const where = [`t.cache_key IS NOT NULL`, `t.status = 'done'`];
  const args: unknown[] = [];
  if (query.flow !== undefined) {
    where.push('r.flow = ?');
    args.push(query.flow);
  }
  if (query.step !== undefined) {
    where.push('t.step = ?');
    args.push(query.step);
  }
  return { where: where.join(' AND '), args };
}
