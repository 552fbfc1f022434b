/**
 * The metadata schema as data, shared by the SQLite and PostgreSQL backends.
 *
 * Statements are plain SQL both engines accept, with two exceptions that have no common syntax:
 * an auto-incrementing key and a byte-string column. They are written as `{{AUTO_ID}}` and
 * `{{BLOB}}` and filled in by {@link renderSql}.
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

const BLOB: Record<SqlDialect, string> = { sqlite: 'BLOB', postgres: 'BYTEA' };

/** Fills the dialect-specific placeholders of a schema statement. */
export function renderSql(sql: string, dialect: SqlDialect): string {
  return sql.replaceAll('{{AUTO_ID}}', AUTO_ID[dialect]).replaceAll('{{BLOB}}', BLOB[dialect]);
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
  {
    version: 5,
    description:
      'tracking: params, metric history and per-run summaries, key/value run and flow tags, run deletion; registry: models, versions, aliases, alias history',
    statements: [
      // Set only by the MLflow API's runs/delete; Sluice's own commands ignore it.
      `ALTER TABLE runs ADD COLUMN deleted_at BIGINT`,
      `CREATE TABLE run_params (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        value_type TEXT NOT NULL,
        source TEXT NOT NULL,
        task_id INTEGER,
        logged_at BIGINT NOT NULL,
        PRIMARY KEY (run_id, key)
      )`,
      `CREATE INDEX run_params_key ON run_params (key, value)`,
      // value NULL means NaN (REAL cannot hold it); no primary key: a history may repeat a point.
      `CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        step BIGINT NOT NULL,
        timestamp BIGINT NOT NULL,
        value DOUBLE PRECISION,
        task_id INTEGER
      )`,
      `CREATE INDEX metrics_run_key ON metrics (run_id, key, step)`,
      // The latest point (highest step, then latest timestamp) and the range, kept on every write: searches read only this.
      `CREATE TABLE metric_summaries (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value DOUBLE PRECISION,
        step BIGINT NOT NULL,
        timestamp BIGINT NOT NULL,
        task_id INTEGER,
        min_value DOUBLE PRECISION,
        max_value DOUBLE PRECISION,
        count BIGINT NOT NULL,
        PRIMARY KEY (run_id, key)
      )`,
      `CREATE INDEX metric_summaries_key ON metric_summaries (key, value)`,
      `CREATE TABLE run_tag_values (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      )`,
      `CREATE INDEX run_tag_values_key ON run_tag_values (key, value)`,
      `CREATE TABLE flow_tag_values (
        flow TEXT NOT NULL REFERENCES flows (name) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (flow, key)
      )`,
      `CREATE TABLE models (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        last_version INTEGER NOT NULL
      )`,
      `CREATE TABLE model_versions (
        name TEXT NOT NULL REFERENCES models (name) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        source TEXT NOT NULL,
        run_id TEXT,
        pathspec TEXT,
        artifact TEXT,
        code_digest TEXT,
        inputs TEXT NOT NULL,
        metrics TEXT NOT NULL,
        signature TEXT,
        example TEXT,
        gate TEXT,
        token TEXT,
        PRIMARY KEY (name, version)
      )`,
      `CREATE INDEX model_versions_run ON model_versions (run_id)`,
      `CREATE UNIQUE INDEX model_versions_token ON model_versions (token)`,
      `CREATE TABLE model_aliases (
        name TEXT NOT NULL REFERENCES models (name) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
      )`,
      `CREATE TABLE alias_history (
        id {{AUTO_ID}},
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        from_version INTEGER,
        to_version INTEGER,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL,
        time BIGINT NOT NULL,
        token TEXT
      )`,
      `CREATE INDEX alias_history_name ON alias_history (name, alias, id)`,
      `CREATE INDEX alias_history_token ON alias_history (token)`,
    ],
  },
  {
    version: 6,
    description: 'artifacts.inline: the encoded bytes of small task outputs (<= 4 KiB), kept here instead of as blobs',
    // NULL for outputs stored as blobs (and for every artifact recorded before this version).
    statements: [`ALTER TABLE artifacts ADD COLUMN inline {{BLOB}}`],
  },
];

/** The first schema version with `artifacts.inline`: stores opened at older versions write no inline bytes. */
export const INLINE_SCHEMA_VERSION = 6;

/** The schema version this build writes: the last migration's. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;
