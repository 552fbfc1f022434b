/**
 * {@link TrackingStore} over the SQLite metadata connection: direct calls run in their own
 * transaction; coordinator batches go through {@link SqliteTrackingStore.applyOps} inside the
 * metadata store's batch transaction.
 *
 * A batch from a running flow must never fail for a logical reason (it also carries task
 * completions): a conflicting param keeps its first value and adds a `param-conflict` event; a
 * registry op that cannot apply (unknown version, refused gate) is rolled back to its savepoint,
 * audited, and reported as a `registry-problem` event.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import { parseFilter, parseOrderBy, RUN_FILTER } from '../../tracking/filter.js';
import type {
  AliasChangeInput,
  AliasHistoryRecord,
  GateSpec,
  GateVerdict,
  MetricPoint,
  MetricPointRecord,
  MetricSummary,
  ModelRecord,
  ModelSearchQuery,
  ModelVersionInput,
  ModelVersionRecord,
  Page,
  ParamInput,
  ParamRecord,
  ParamSource,
  RunSearchQuery,
  RunSearchResult,
  RunTrackingData,
  TagInput,
  TrackingStore,
  TrackingWriteOp,
  VersionSearchQuery,
} from '../../tracking/types.js';
import { checkTrackingOp } from '../../tracking/ops.js';
import { checkKey, checkRegistryName, checkTagValue } from '../../tracking/values.js';
import { opError } from '../plan.js';
import { runFromRow, type RunRow, type TagRow } from '../rows.js';
import type { WriteOp } from '../../types.js';
import { SqliteRegistry } from './registry.js';
import { SqliteRunTracking } from './runs.js';
import { compileOrder, compileWhere, resolveRunIdentifier, type Fragment } from './search.js';
import { fingerprint, inSlices, makePageToken, pageSize, placeholders, readPageToken, sqlContext, type SqlContext } from './sql.js';

/** The schema version that added the tracking tables. */
export const TRACKING_SCHEMA_VERSION = 5;

export class SqliteTrackingStore implements TrackingStore {
  private readonly ctx: SqlContext;
  private readonly runs: SqliteRunTracking;
  private readonly registry: SqliteRegistry;

  constructor(db: Database.Database) {
    this.ctx = sqlContext(db);
    this.runs = new SqliteRunTracking(this.ctx);
    this.registry = new SqliteRegistry(this.ctx);
  }

  /** Runs `fn` in a write transaction (a savepoint when one is already open). */
  private write<T>(fn: () => T): T {
    const tx = this.ctx.db.transaction(fn);
    return this.ctx.db.inTransaction ? tx() : tx.immediate();
  }

  /** Called by the metadata store inside createRun's transaction: flow params become params. */
  recordFlowParams(runId: string, params: Readonly<Record<string, unknown>>, time: number): void {
    this.runs.insertFlowParams(runId, params, time);
  }

  /** Applies a batch's tracking ops, in order, inside the caller's transaction. */
  applyOps(items: readonly { readonly index: number; readonly op: TrackingWriteOp }[], ops: readonly WriteOp[]): void {
    for (const { index, op } of items) {
      try {
        this.applyOp(op);
      } catch (error) {
        throw opError(ops, index, (error as Error).message, error);
      }
    }
  }

  private event(runId: string | null | undefined, time: number, kind: string, payload: Record<string, unknown>): void {
    if (!runId || !this.ctx.stmt('SELECT 1 FROM runs WHERE run_id = ?').get(runId)) return;
    this.ctx.stmt('INSERT INTO events (run_id, time, kind, payload) VALUES (?, ?, ?, ?)').run(runId, time, kind, JSON.stringify(payload));
  }

  private applyOp(op: TrackingWriteOp): void {
    switch (op.op) {
      case 'params': {
        const conflicts = this.runs.insertParams(op.runId, op.params, { taskId: op.taskId, source: op.source, time: op.time }, 'collect');
        for (const c of conflicts) {
          this.event(op.runId, op.time, 'param-conflict', {
            taskId: op.taskId,
            key: c.key,
            kept: c.existing,
            rejected: c.attempted,
            message: `param '${c.key}' is already ${JSON.stringify(c.existing)}; task ${op.taskId ?? '?'} tried ${JSON.stringify(c.attempted)} (kept the first value)`,
          });
        }
        return;
      }
      case 'metrics':
        this.runs.insertMetrics(op.runId, op.taskId, op.points);
        return;
      case 'run-tags':
        this.runs.setTags(op.runId, op.tags);
        return;
      case 'model-version': {
        const input = op.version;
        try {
          this.write(() => this.registry.createVersion(input));
        } catch (error) {
          if (!(error instanceof StoreError)) throw error;
          this.event(input.runId, input.createdAt, 'registry-problem', { model: input.name, message: error.message });
        }
        return;
      }
      case 'alias': {
        const change = op.change;
        try {
          this.write(() => this.registry.changeAlias(change));
        } catch (error) {
          if (!(error instanceof StoreError)) throw error;
          this.auditFailure(change, error.message);
        }
        return;
      }
    }
  }

  /** A requested alias change that could not apply: recorded as refused so its requester sees why. */
  private auditFailure(change: AliasChangeInput, message: string): void {
    this.ctx
      .stmt('INSERT INTO alias_history (name, alias, from_version, to_version, action, actor, reason, time, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(change.name, change.alias, null, change.version ?? null, 'refused', change.actor, `refused: ${message}`, change.time, change.token ?? null);
  }

  // ---- runs: direct writes ----

  async logParams(runId: string, params: readonly ParamInput[], options: { taskId?: number | null; source?: ParamSource; time?: number } = {}): Promise<void> {
    for (const { key } of params) checkKey('param', key);
    this.write(() => {
      this.runs.requireRun(runId);
      this.runs.insertParams(runId, params, { taskId: options.taskId ?? null, source: options.source ?? 'api', time: options.time ?? Date.now() }, 'throw');
    });
  }

  async logMetrics(runId: string, points: readonly MetricPoint[], options: { taskId?: number | null } = {}): Promise<void> {
    this.write(() => {
      this.runs.requireRun(runId);
      this.runs.insertMetrics(runId, options.taskId ?? null, points);
    });
  }

  async setRunTags(runId: string, tags: readonly TagInput[]): Promise<void> {
    for (const { key, value } of tags) {
      checkKey('tag', key);
      checkTagValue(key, value);
    }
    this.write(() => {
      this.runs.requireRun(runId);
      this.runs.setTags(runId, tags);
    });
  }

  async deleteRunTag(runId: string, key: string): Promise<boolean> {
    return this.write(() => {
      this.runs.requireRun(runId);
      return this.runs.deleteTag(runId, key);
    });
  }

  async setRunDeleted(runId: string, deleted: boolean, time: number = Date.now()): Promise<void> {
    this.write(() => {
      this.runs.requireRun(runId);
      this.ctx.stmt('UPDATE runs SET deleted_at = ? WHERE run_id = ?').run(deleted ? time : null, runId);
    });
  }

  async setFlowTags(flow: string, tags: readonly TagInput[], createdAt: number = Date.now()): Promise<void> {
    for (const { key, value } of tags) {
      checkKey('tag', key);
      checkTagValue(key, value);
    }
    this.write(() => {
      this.ctx.stmt('INSERT INTO flows (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(flow, createdAt);
      const upsert = this.ctx.stmt('INSERT INTO flow_tag_values (flow, key, value) VALUES (?, ?, ?) ON CONFLICT (flow, key) DO UPDATE SET value = excluded.value');
      for (const { key, value } of tags) upsert.run(flow, key, value);
    });
  }

  async getFlowTags(flow: string): Promise<Record<string, string>> {
    const rows = this.ctx.stmt('SELECT key, value FROM flow_tag_values WHERE flow = ? ORDER BY key').all(flow) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  // ---- runs: reads ----

  async getParams(runId: string): Promise<ParamRecord[]> {
    return this.runs.getParams(runId);
  }

  async getMetricSummaries(runId: string): Promise<MetricSummary[]> {
    return this.runs.getSummaries(runId);
  }

  async getMetricHistory(runId: string, key: string, options: { taskId?: number; offset?: number; limit?: number } = {}): Promise<MetricPointRecord[]> {
    return this.runs.getHistory(runId, key, options);
  }

  async getMetricKeys(runId: string): Promise<string[]> {
    return this.runs.getMetricKeys(runId);
  }

  async getRunTags(runId: string): Promise<Record<string, string>> {
    return this.runs.getTags(runId);
  }

  async getRunData(runIds: readonly string[]): Promise<Map<string, RunTrackingData>> {
    return this.runs.getRunData(runIds);
  }

  async searchRuns(query: RunSearchQuery = {}): Promise<RunSearchResult> {
    const parsed = parseFilter(query.filter, RUN_FILTER);
    const orderBy = [...parsed.orderBy, ...parseOrderBy(query.orderBy, RUN_FILTER)];
    const limit = pageSize(query.limit, 100, 50_000, 'run search');
    const view = query.view ?? 'active';
    const flows = query.flows ? [...query.flows] : undefined;
    const print = fingerprint(['runs', flows ?? null, query.filter ?? '', query.orderBy ?? [], view, limit]);
    const offset = readPageToken(query.pageToken, print);
    const where: Fragment[] = [];
    if (view === 'active') where.push({ sql: 'r.deleted_at IS NULL', args: [] });
    else if (view === 'deleted') where.push({ sql: 'r.deleted_at IS NOT NULL', args: [] });
    if (flows) where.push({ sql: flows.length === 0 ? '1 = 0' : `r.flow IN (${placeholders(flows.length)})`, args: flows });
    if (parsed.where) where.push(compileWhere(parsed.where, resolveRunIdentifier));
    const order = orderBy.length > 0 ? compileOrder(orderBy, resolveRunIdentifier) : { sql: '', args: [] };
    // Ids first (a light sort; with the default order the primary key already is the order), then the page's rows.
    const sql =
      `SELECT r.run_id FROM runs r${where.length > 0 ? ` WHERE ${where.map((w) => w.sql).join(' AND ')}` : ''}` +
      ` ORDER BY ${order.sql ? `${order.sql}, ` : ''}r.run_id DESC LIMIT ? OFFSET ?`;
    const ids = (this.ctx.stmt(sql).raw(true).all([...where.flatMap((w) => w.args), ...order.args, limit + 1, offset]) as [string][]).map(([id]) => id);
    const rows: RunRow[] = [];
    inSlices(ids.slice(0, limit), 500, (slice) => {
      const found = this.ctx.stmt(`SELECT * FROM runs WHERE run_id IN (${placeholders(slice.length)})`).all(slice) as RunRow[];
      const byId = new Map(found.map((row) => [row.run_id, row]));
      for (const id of slice) rows.push(byId.get(id)!);
    });
    const page = rows;
    const tags = new Map<string, TagRow[]>();
    inSlices(
      page.map((r) => r.run_id),
      500,
      (slice) => {
        const found = this.ctx.stmt(`SELECT run_id, tag, system FROM run_tags WHERE run_id IN (${placeholders(slice.length)}) ORDER BY tag`).all(slice) as (TagRow & { run_id: string })[];
        for (const row of found) {
          const list = tags.get(row.run_id) ?? [];
          list.push(row);
          tags.set(row.run_id, list);
        }
      },
    );
    return {
      runs: page.map((row) => runFromRow(row, tags.get(row.run_id) ?? [])),
      nextPageToken: ids.length > limit ? makePageToken(offset + limit, print) : null,
    };
  }

  // ---- registry ----

  async createModel(input: { name: string; description?: string; tags?: Readonly<Record<string, string>>; createdAt: number; createdBy: string }): Promise<ModelRecord> {
    checkRegistryName('model', input.name);
    return this.write(() => this.registry.createModel(input));
  }

  async getModel(name: string): Promise<ModelRecord | undefined> {
    return this.registry.getModel(name);
  }

  async searchModels(query: ModelSearchQuery = {}): Promise<Page<ModelRecord>> {
    return this.registry.searchModels(query);
  }

  async updateModel(name: string, patch: { description?: string; tags?: Readonly<Record<string, string>>; time: number }): Promise<ModelRecord> {
    return this.write(() => this.registry.updateModel(name, patch));
  }

  async deleteModel(name: string): Promise<void> {
    this.write(() => this.registry.deleteModel(name));
  }

  async createModelVersion(input: ModelVersionInput): Promise<ModelVersionRecord> {
    checkTrackingOp({ op: 'model-version', version: input });
    return this.write(() => this.registry.createVersion(input));
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersionRecord | undefined> {
    return this.registry.getVersion(name, version);
  }

  async findVersionByToken(token: string): Promise<ModelVersionRecord | undefined> {
    return this.registry.findVersionByToken(token);
  }

  async listModelVersions(name: string): Promise<ModelVersionRecord[]> {
    return this.registry.listVersions(name);
  }

  async searchModelVersions(query: VersionSearchQuery = {}): Promise<Page<ModelVersionRecord>> {
    return this.registry.searchVersions(query);
  }

  async updateModelVersion(name: string, version: number, patch: { description?: string; tags?: Readonly<Record<string, string>>; time: number }): Promise<ModelVersionRecord> {
    return this.write(() => this.registry.updateVersion(name, version, patch));
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    this.write(() => this.registry.deleteVersion(name, version));
  }

  async evaluateGate(name: string, version: number, spec: GateSpec, time: number): Promise<GateVerdict> {
    return this.write(() => this.registry.evaluateGate(name, version, spec, time));
  }

  async changeAlias(change: AliasChangeInput): Promise<AliasHistoryRecord> {
    checkTrackingOp({ op: 'alias', change });
    return this.write(() => this.registry.changeAlias(change));
  }

  async getAlias(name: string, alias: string): Promise<number | undefined> {
    return this.registry.getAlias(name, alias);
  }

  async aliasHistory(name: string, alias?: string): Promise<AliasHistoryRecord[]> {
    return this.registry.aliasHistory(name, alias);
  }

  async findAliasChangeByToken(token: string): Promise<AliasHistoryRecord | undefined> {
    return this.registry.findAliasChangeByToken(token);
  }
}
