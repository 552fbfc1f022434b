/**
 * The metadata schema as data, shared by the SQLite and PostgreSQL backends.
 *
 * Statements are plain SQL both engines accept, with one exception that has no common syntax:
 * an auto-incrementing key. It is written as `{{AUTO_ID}}` and filled in by {@link renderSql}.
 * Timestamps are milliseconds since the epoch (BIGINT); booleans are SMALLINT 0/1; structured
 * columns (params, parent ids, foreach stack, errors, event payloads) hold JSON text.
 *
 * To change the schema, append a migration; never edit a released one.
 *
 * Deliberately absent: an index on `artifacts.digest`. Random 64-character keys made it the most
 * expensive part of a large task batch; GC scans the table once instead of looking digests up.
 */

/** The SQL dialects the schema renders to. */
export type SqlDialect = 'sqlite' | 'postgres';

/** One schema step: statements that take a database from `version - 1` to `version`. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

const AUTO_ID: Record<SqlDialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
};

/** Fills the dialect-specific placeholders of a schema statement. */
export function renderSql(sql: string, dialect: SqlDialect): string {
  return sql.replaceAll('{{AUTO_ID}}', AUTO_ID[dialect]);
}

/** Holds `schema_version`; created before any migration runs. */
export const META_TABLE = `CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'flows, runs, run tags, tasks, artifacts, events',
    statements: [
      `CREATE TABLE flows (
        name TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        flow TEXT NOT NULL REFERENCES flows (name),
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        ended_at BIGINT,
        user_name TEXT NOT NULL,
        flow_file TEXT NOT NULL,
        code_digest TEXT NOT NULL,
        params TEXT NOT NULL,
        origin_run_id TEXT,
        coordinator_pid INTEGER NOT NULL,
        coordinator_host TEXT NOT NULL,
        heartbeat_at BIGINT NOT NULL,
        error TEXT
      )`,
      `CREATE INDEX runs_flow ON runs (flow, run_id)`,
      `CREATE INDEX runs_status ON runs (status, run_id)`,
      `CREATE TABLE run_tags (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        system SMALLINT NOT NULL,
        PRIMARY KEY (run_id, tag)
      )`,
      `CREATE INDEX run_tags_tag ON run_tags (tag, run_id)`,
      `CREATE TABLE tasks (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        task_id INTEGER NOT NULL,
        step TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        parent_task_ids TEXT NOT NULL,
        foreach_stack TEXT NOT NULL,
        worker_id TEXT,
        queued_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT,
        error TEXT,
        origin_pathspec TEXT,
        PRIMARY KEY (run_id, task_id)
      )`,
      `CREATE INDEX tasks_step ON tasks (run_id, step, task_id)`,
      `CREATE TABLE artifacts (
        run_id TEXT NOT NULL,
        task_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        codec TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        type TEXT NOT NULL,
        PRIMARY KEY (run_id, task_id, name),
        FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, task_id) ON DELETE CASCADE
      )`,
      `CREATE TABLE events (
        seq {{AUTO_ID}},
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        time BIGINT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL
      )`,
      `CREATE INDEX events_run ON events (run_id, seq)`,
    ],
  },
  {
    version: 2,
    description: "runs.graph: the flow's graph as the run saw it (step kinds, edges) for clients and the UI",
    statements: [`ALTER TABLE runs ADD COLUMN graph TEXT`],
  },
  {
    version: 3,
    description: 'tasks.stats: resource use of the latest attempt (CPU, memory, artifact I/O) for profiling',
    statements: [`ALTER TABLE tasks ADD COLUMN stats TEXT`],
  },
  {
    version: 4,
    description: 'tasks: attempt history, step-cache key, and what each task read (params, artifacts) for resume and caching',
    statements: [
      `ALTER TABLE tasks ADD COLUMN attempts TEXT`,
      `ALTER TABLE tasks ADD COLUMN cache_key TEXT`,
      `ALTER TABLE tasks ADD COLUMN reads TEXT`,
      `CREATE INDEX tasks_cache_key ON tasks (cache_key)`,
    ],
  },
];

/** The schema version this build writes: the last migration's. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;
