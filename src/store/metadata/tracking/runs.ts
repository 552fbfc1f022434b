/**
 * Params, metrics and key/value tags of runs in SQLite: writes (direct, or from the coordinator's
 * batches) and reads.
 *
 * Every metric write also folds its points into `metric_summaries` (latest by step then timestamp,
 * min, max, count), so the run summary and searches never scan a history.
 */
import { ParamConflictError, TrackingNotFoundError } from '../../tracking/errors.js';
import type {
  MetricPoint,
  MetricPointRecord,
  MetricSummary,
  ParamInput,
  ParamRecord,
  ParamSource,
  RunTrackingData,
  TagInput,
} from '../../tracking/types.js';
import { decodeParam, encodeParam, metricFromSql, metricToSql, type ParamType } from '../../tracking/values.js';
import { inSlices, insertMany, placeholders, type SqlContext } from './sql.js';

interface ParamRow {
  readonly run_id: string;
  readonly key: string;
  readonly value: string;
  readonly value_type: string;
  readonly source: string;
  readonly task_id: number | null;
  readonly logged_at: number;
}

interface SummaryRow {
  readonly run_id: string;
  readonly key: string;
  readonly value: number | null;
  readonly step: number;
  readonly timestamp: number;
  readonly task_id: number | null;
  readonly min_value: number | null;
  readonly max_value: number | null;
  readonly count: number;
}

const paramFromRow = (row: ParamRow): ParamRecord => ({
  key: row.key,
  value: decodeParam(row.value, row.value_type),
  text: row.value,
  type: row.value_type as ParamType,
  source: row.source as ParamSource,
  taskId: row.task_id,
  loggedAt: row.logged_at,
});

const summaryFromRow = (row: SummaryRow): MetricSummary => ({
  key: row.key,
  value: metricFromSql(row.value),
  step: row.step,
  timestamp: row.timestamp,
  taskId: row.task_id,
  min: metricFromSql(row.min_value),
  max: metricFromSql(row.max_value),
  count: row.count,
});

/** A conflict found while applying a coordinator batch: recorded as an event, the first value kept. */
export interface ParamConflict {
  readonly key: string;
  readonly existing: string;
  readonly attempted: string;
}

const SUMMARY_UPSERT = `INSERT INTO metric_summaries (run_id, key, value, step, timestamp, task_id, min_value, max_value, count)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, key) DO UPDATE SET
    value = CASE WHEN excluded.step > metric_summaries.step OR (excluded.step = metric_summaries.step AND excluded.timestamp >= metric_summaries.timestamp) THEN excluded.value ELSE metric_summaries.value END,
    task_id = CASE WHEN excluded.step > metric_summaries.step OR (excluded.step = metric_summaries.step AND excluded.timestamp >= metric_summaries.timestamp) THEN excluded.task_id ELSE metric_summaries.task_id END,
    timestamp = CASE WHEN excluded.step > metric_summaries.step OR (excluded.step = metric_summaries.step AND excluded.timestamp >= metric_summaries.timestamp) THEN excluded.timestamp ELSE metric_summaries.timestamp END,
    step = CASE WHEN excluded.step >= metric_summaries.step THEN excluded.step ELSE metric_summaries.step END,
    min_value = CASE WHEN excluded.min_value IS NULL THEN metric_summaries.min_value WHEN metric_summaries.min_value IS NULL OR excluded.min_value < metric_summaries.min_value THEN excluded.min_value ELSE metric_summaries.min_value END,
    max_value = CASE WHEN excluded.max_value IS NULL THEN metric_summaries.max_value WHEN metric_summaries.max_value IS NULL OR excluded.max_value > metric_summaries.max_value THEN excluded.max_value ELSE metric_summaries.max_value END,
    count = metric_summaries.count + excluded.count`;

/** Rows per multi-row metric INSERT (6 columns each; far below SQLite's variable limit). */
const METRIC_ROWS = 512;
const METRIC_INSERT = `INSERT INTO metrics (run_id, key, step, timestamp, value, task_id) VALUES ${new Array<string>(METRIC_ROWS).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`;

export class SqliteRunTracking {
  constructor(private readonly ctx: SqlContext) {}

  requireRun(runId: string): void {
    if (!this.ctx.stmt('SELECT 1 FROM runs WHERE run_id = ?').get(runId)) {
      throw new TrackingNotFoundError('run', `run ${runId} does not exist`);
    }
  }

  /**
   * Inserts params that are new, skips those logged before with the same text, and reports the
   * ones that differ: `throw` raises ParamConflictError before writing anything; `collect`
   * keeps the first value and returns the conflicts.
   */
  insertParams(
    runId: string,
    params: readonly ParamInput[],
    meta: { readonly taskId: number | null; readonly source: ParamSource; readonly time: number },
    onConflict: 'throw' | 'collect',
  ): ParamConflict[] {
    const existing = this.ctx.stmt('SELECT value FROM run_params WHERE run_id = ? AND key = ?');
    const rows: unknown[][] = [];
    const conflicts: ParamConflict[] = [];
    const pending = new Map<string, string>();
    for (const { key, value } of params) {
      const encoded = encodeParam(key, value);
      const before = pending.get(key) ?? (existing.get(runId, key) as { value: string } | undefined)?.value;
      if (before === undefined) {
        pending.set(key, encoded.text);
        rows.push([runId, key, encoded.text, encoded.type, meta.source, meta.taskId, meta.time]);
      } else if (before !== encoded.text) {
        if (onConflict === 'throw') throw new ParamConflictError(runId, key, before, encoded.text);
        conflicts.push({ key, existing: before, attempted: encoded.text });
      }
    }
    insertMany(this.ctx, 'run_params', ['run_id', 'key', 'value', 'value_type', 'source', 'task_id', 'logged_at'], rows);
    return conflicts;
  }

  /** Flow params become the run's first params (`source: flow`); values with no stored form are skipped. */
  insertFlowParams(runId: string, params: Readonly<Record<string, unknown>>, time: number): void {
    const valid = Object.entries(params).flatMap(([key, value]) => {
      try {
        encodeParam(key, value);
        return [{ key, value }];
      } catch {
        return [];
      }
    });
    this.insertParams(runId, valid, { taskId: null, source: 'flow', time }, 'collect');
  }

  insertMetrics(runId: string, taskId: number | null, points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    const summaries = new Map<string, { value: number; step: number; timestamp: number; min: number; max: number; count: number }>();
    // Full statements of METRIC_ROWS rows from one reused argument array; the rest row by row.
    const full = points.length - (points.length % METRIC_ROWS);
    const statement = full > 0 ? this.ctx.stmt(METRIC_INSERT) : undefined;
    const args = new Array<unknown>(METRIC_ROWS * 6);
    const single = this.ctx.stmt(`INSERT INTO metrics (run_id, key, step, timestamp, value, task_id) VALUES (?, ?, ?, ?, ?, ?)`);
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      if (i < full) {
        const at = (i % METRIC_ROWS) * 6;
        args[at] = runId;
        args[at + 1] = p.key;
        args[at + 2] = p.step;
        args[at + 3] = p.timestamp;
        args[at + 4] = metricToSql(p.value);
        args[at + 5] = taskId;
        if (at === (METRIC_ROWS - 1) * 6) statement!.run(args);
      } else {
        single.run(runId, p.key, p.step, p.timestamp, metricToSql(p.value), taskId);
      }
      const s = summaries.get(p.key);
      const finite = !Number.isNaN(p.value);
      if (!s) {
        summaries.set(p.key, { value: p.value, step: p.step, timestamp: p.timestamp, min: finite ? p.value : NaN, max: finite ? p.value : NaN, count: 1 });
        continue;
      }
      if (p.step > s.step || (p.step === s.step && p.timestamp >= s.timestamp)) {
        s.value = p.value;
        s.step = p.step;
        s.timestamp = p.timestamp;
      }
      if (finite) {
        if (Number.isNaN(s.min) || p.value < s.min) s.min = p.value;
        if (Number.isNaN(s.max) || p.value > s.max) s.max = p.value;
      }
      s.count++;
    }
    const upsert = this.ctx.stmt(SUMMARY_UPSERT);
    for (const [key, s] of summaries) {
      upsert.run(runId, key, metricToSql(s.value), s.step, s.timestamp, taskId, metricToSql(s.min), metricToSql(s.max), s.count);
    }
  }

  setTags(runId: string, tags: readonly TagInput[]): void {
    const statement = this.ctx.stmt(
      'INSERT INTO run_tag_values (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value',
    );
    for (const { key, value } of tags) statement.run(runId, key, value);
  }

  deleteTag(runId: string, key: string): boolean {
    return this.ctx.stmt('DELETE FROM run_tag_values WHERE run_id = ? AND key = ?').run(runId, key).changes > 0;
  }

  // ---- reads ----

  getParams(runId: string): ParamRecord[] {
    const rows = this.ctx.stmt('SELECT * FROM run_params WHERE run_id = ? ORDER BY key').all(runId) as ParamRow[];
    return this.withFlowParams(runId, rows.map(paramFromRow));
  }

  /** Runs recorded before schema 5 have their flow params only in `runs.params`: fill them in. */
  private withFlowParams(runId: string, params: ParamRecord[]): ParamRecord[] {
    const run = this.ctx.stmt('SELECT params, created_at FROM runs WHERE run_id = ?').get(runId) as { params: string; created_at: number } | undefined;
    if (!run) return params;
    const have = new Set(params.map((p) => p.key));
    const extra: ParamRecord[] = [];
    for (const [key, value] of Object.entries(JSON.parse(run.params) as Record<string, unknown>)) {
      if (have.has(key)) continue;
      try {
        const { text, type } = encodeParam(key, value);
        extra.push({ key, value, text, type, source: 'flow', taskId: null, loggedAt: run.created_at });
      } catch {
        // no stored form (too long): it stays in the run record only
      }
    }
    return extra.length === 0 ? params : [...params, ...extra].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  getSummaries(runId: string): MetricSummary[] {
    return (this.ctx.stmt('SELECT * FROM metric_summaries WHERE run_id = ? ORDER BY key').all(runId) as SummaryRow[]).map(summaryFromRow);
  }

  getHistory(runId: string, key: string, options: { readonly taskId?: number; readonly offset?: number; readonly limit?: number }): MetricPointRecord[] {
    const args: unknown[] = [runId, key];
    let sql = 'SELECT key, value, step, timestamp, task_id FROM metrics WHERE run_id = ? AND key = ?';
    if (options.taskId !== undefined) {
      sql += ' AND task_id = ?';
      args.push(options.taskId);
    }
    sql += ' ORDER BY step, timestamp, rowid LIMIT ? OFFSET ?';
    args.push(options.limit ?? -1, options.offset ?? 0);
    const rows = this.ctx.stmt(sql).raw(true).all(args) as [string, number | null, number, number, number | null][];
    return rows.map(([k, value, step, timestamp, taskId]) => ({ key: k, value: metricFromSql(value), step, timestamp, taskId }));
  }

  getMetricKeys(runId: string): string[] {
    return (this.ctx.stmt('SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key').all(runId) as { key: string }[]).map((r) => r.key);
  }

  getTags(runId: string): Record<string, string> {
    return this.getRunData([runId]).get(runId)?.tags ?? {};
  }

  /** Params, metric summaries and tags of many runs with a few queries. */
  getRunData(runIds: readonly string[]): Map<string, RunTrackingData> {
    const data = new Map<string, { params: ParamRecord[]; metrics: MetricSummary[]; tags: Record<string, string>; deletedAt: number | null }>();
    const unique = [...new Set(runIds)];
    inSlices(unique, 500, (slice) => {
      const list = placeholders(slice.length);
      const runs = this.ctx.stmt(`SELECT run_id, deleted_at FROM runs WHERE run_id IN (${list})`).all(slice) as { run_id: string; deleted_at: number | null }[];
      for (const run of runs) data.set(run.run_id, { params: [], metrics: [], tags: {}, deletedAt: run.deleted_at ?? null });
      for (const row of this.ctx.stmt(`SELECT * FROM run_params WHERE run_id IN (${list}) ORDER BY run_id, key`).all(slice) as ParamRow[]) {
        data.get(row.run_id)?.params.push(paramFromRow(row));
      }
      for (const row of this.ctx.stmt(`SELECT * FROM metric_summaries WHERE run_id IN (${list}) ORDER BY run_id, key`).all(slice) as SummaryRow[]) {
        data.get(row.run_id)?.metrics.push(summaryFromRow(row));
      }
      // Sluice's string tags read as key:value (a tag without ':' has an empty value); key/value tags win.
      for (const row of this.ctx.stmt(`SELECT run_id, tag FROM run_tags WHERE run_id IN (${list}) ORDER BY run_id, tag`).all(slice) as { run_id: string; tag: string }[]) {
        const colon = row.tag.indexOf(':');
        const entry = data.get(row.run_id);
        if (entry) entry.tags[colon < 0 ? row.tag : row.tag.slice(0, colon)] = colon < 0 ? '' : row.tag.slice(colon + 1);
      }
      for (const row of this.ctx.stmt(`SELECT * FROM run_tag_values WHERE run_id IN (${list}) ORDER BY run_id, key`).all(slice) as { run_id: string; key: string; value: string }[]) {
        const entry = data.get(row.run_id);
        if (entry) entry.tags[row.key] = row.value;
      }
    });
    for (const [runId, entry] of data) entry.params = this.withFlowParams(runId, entry.params);
    return data;
  }
}
