/**
 * The model registry in SQLite: models, versions (monotonic per name, never reused), aliases with
 * an append-only history, gate verdicts, and the legacy stage view.
 *
 * Stages are derived, not stored: a version is `Production` or `Staging` while the alias of that
 * name points at it, `Archived` once it was there and no longer is, `None` otherwise.
 */
import { RegistryRefusedError, TrackingExistsError, TrackingNotFoundError } from '../../tracking/errors.js';
import { parseFilter, parseOrderBy, MODEL_FILTER, VERSION_FILTER } from '../../tracking/filter.js';
import { evaluateGate } from '../../tracking/gate.js';
import type {
  AliasChangeInput,
  AliasHistoryRecord,
  GateSpec,
  GateVerdict,
  ModelRecord,
  ModelSearchQuery,
  ModelSignature,
  ModelStage,
  ModelVersionInput,
  ModelVersionRecord,
  Page,
  StoredPointer,
  VersionSearchQuery,
} from '../../tracking/types.js';
import { compileOrder, compileWhere, resolveModelIdentifier, resolveVersionIdentifier } from './search.js';
import { fingerprint, makePageToken, pageSize, parseColumn, readPageToken, type SqlContext } from './sql.js';

interface ModelRow {
  readonly name: string;
  readonly description: string;
  readonly tags: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly created_by: string;
  readonly last_version: number;
}

interface VersionRow {
  readonly name: string;
  readonly version: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly created_by: string;
  readonly description: string;
  readonly tags: string;
  readonly source: string;
  readonly run_id: string | null;
  readonly pathspec: string | null;
  readonly artifact: string | null;
  readonly code_digest: string | null;
  readonly inputs: string;
  readonly metrics: string;
  readonly signature: string | null;
  readonly example: string | null;
  readonly gate: string | null;
  readonly token: string | null;
}

interface HistoryRow {
  readonly id: number;
  readonly name: string;
  readonly alias: string;
  readonly from_version: number | null;
  readonly to_version: number | null;
  readonly action: string;
  readonly actor: string;
  readonly reason: string;
  readonly time: number;
  readonly token: string | null;
}

/** JSON cannot hold NaN or ±Infinity: they travel as strings. */
const encodeNumbers = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
const decodeMetrics = (text: string, what: string): Record<string, number> => {
  const raw = parseColumn<Record<string, number | string>>(text, what) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? Number(v) : v]));
};
const decodeVerdict = (text: string | null, what: string): GateVerdict | null => {
  const verdict = parseColumn<GateVerdict & { checks: { value: number | string; limit: number | string }[] }>(text, what);
  if (!verdict) return null;
  return { ...verdict, checks: verdict.checks.map((c) => ({ ...c, value: Number(c.value), limit: Number(c.limit) })) } as GateVerdict;
};

const historyFromRow = (row: HistoryRow): AliasHistoryRecord => ({
  id: row.id,
  name: row.name,
  alias: row.alias,
  fromVersion: row.from_version,
  toVersion: row.to_version,
  action: row.action as AliasHistoryRecord['action'],
  actor: row.actor,
  reason: row.reason,
  time: row.time,
  token: row.token,
});

export class SqliteRegistry {
  constructor(private readonly ctx: SqlContext) {}

  private modelRow(name: string): ModelRow | undefined {
    return this.ctx.stmt('SELECT * FROM models WHERE name = ?').get(name) as ModelRow | undefined;
  }

  private requireModel(name: string): ModelRow {
    const row = this.modelRow(name);
    if (!row) throw new TrackingNotFoundError('model', `registered model '${name}' does not exist`);
    return row;
  }

  private aliasesOf(name: string): Record<string, number> {
    const rows = this.ctx.stmt('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias').all(name) as { alias: string; version: number }[];
    return Object.fromEntries(rows.map((r) => [r.alias, r.version]));
  }

  private modelFromRow(row: ModelRow): ModelRecord {
    return {
      name: row.name,
      description: row.description,
      tags: parseColumn<Record<string, string>>(row.tags, `model '${row.name}' tags`) ?? {},
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      createdBy: row.created_by,
      lastVersion: row.last_version,
      aliases: this.aliasesOf(row.name),
    };
  }

  /** Versions that once held a stage alias (for the Archived stage). */
  private everStaged(name: string): Set<number> {
    const rows = this.ctx
      .stmt(`SELECT DISTINCT to_version FROM alias_history WHERE name = ? AND action = 'set' AND alias IN ('production', 'staging')`)
      .all(name) as { to_version: number }[];
    return new Set(rows.map((r) => r.to_version));
  }

  private versionsFromRows(rows: readonly VersionRow[]): ModelVersionRecord[] {
    const aliases = new Map<string, Record<string, number>>();
    const staged = new Map<string, Set<number>>();
    return rows.map((row) => {
      let modelAliases = aliases.get(row.name);
      if (!modelAliases) aliases.set(row.name, (modelAliases = this.aliasesOf(row.name)));
      let ever = staged.get(row.name);
      if (!ever) staged.set(row.name, (ever = this.everStaged(row.name)));
      const mine = Object.entries(modelAliases)
        .filter(([, v]) => v === row.version)
        .map(([a]) => a);
      const stage: ModelStage = mine.includes('production') ? 'Production' : mine.includes('staging') ? 'Staging' : ever.has(row.version) ? 'Archived' : 'None';
      const what = `model '${row.name}' version ${row.version}`;
      return {
        name: row.name,
        version: row.version,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        createdBy: row.created_by,
        description: row.description,
        tags: parseColumn<Record<string, string>>(row.tags, `${what} tags`) ?? {},
        source: row.source,
        runId: row.run_id,
        pathspec: row.pathspec,
        artifact: parseColumn<StoredPointer>(row.artifact, `${what} artifact`),
        codeDigest: row.code_digest,
        inputs: parseColumn<Record<string, string>>(row.inputs, `${what} inputs`) ?? {},
        metrics: decodeMetrics(row.metrics, `${what} metrics`),
        signature: parseColumn<ModelSignature>(row.signature, `${what} signature`),
        example: parseColumn<StoredPointer>(row.example, `${what} example`),
        gate: decodeVerdict(row.gate, `${what} gate`),
        aliases: mine,
        stage,
      };
    });
  }

  private versionRow(name: string, version: number): VersionRow | undefined {
    return this.ctx.stmt('SELECT * FROM model_versions WHERE name = ? AND version = ?').get(name, version) as VersionRow | undefined;
  }

  private requireVersion(name: string, version: number): VersionRow {
    this.requireModel(name);
    const row = this.versionRow(name, version);
    if (!row) {
      const latest = this.modelRow(name)!.last_version;
      throw new TrackingNotFoundError('model version', `model '${name}' has no version ${version} (latest assigned: ${latest || 'none'})`);
    }
    return row;
  }

  // ---- models ----

  createModel(input: { name: string; description?: string; tags?: Readonly<Record<string, string>>; createdAt: number; createdBy: string }): ModelRecord {
    if (this.modelRow(input.name)) throw new TrackingExistsError(`registered model '${input.name}' already exists`);
    this.insertModel(input);
    return this.modelFromRow(this.modelRow(input.name)!);
  }

  private insertModel(input: { name: string; description?: string; tags?: Readonly<Record<string, string>>; createdAt: number; createdBy: string }): void {
    this.ctx
      .stmt('INSERT INTO models (name, description, tags, created_at, updated_at, created_by, last_version) VALUES (?, ?, ?, ?, ?, ?, 0)')
      .run(input.name, input.description ?? '', JSON.stringify(input.tags ?? {}), input.createdAt, input.createdAt, input.createdBy);
  }

  getModel(name: string): ModelRecord | undefined {
    const row = this.modelRow(name);
    return row && this.modelFromRow(row);
  }

  searchModels(query: ModelSearchQuery): Page<ModelRecord> {
    const parsed = parseFilter(query.filter, MODEL_FILTER);
    const limit = pageSize(query.limit, 100, 1000, 'registered model search');
    const print = fingerprint(['models', query.filter ?? '', limit]);
    const offset = readPageToken(query.pageToken, print);
    const where = parsed.where ? compileWhere(parsed.where, resolveModelIdentifier) : { sql: '1 = 1', args: [] };
    const order = parsed.orderBy.length > 0 ? compileOrder(parsed.orderBy, resolveModelIdentifier) : { sql: '', args: [] };
    const sql = `SELECT m.* FROM models m WHERE ${where.sql} ORDER BY ${order.sql ? `${order.sql}, ` : ''}m.name LIMIT ? OFFSET ?`;
    const rows = this.ctx.stmt(sql).all([...where.args, ...order.args, limit + 1, offset]) as ModelRow[];
    const more = rows.length > limit;
    return { items: rows.slice(0, limit).map((r) => this.modelFromRow(r)), nextPageToken: more ? makePageToken(offset + limit, print) : null };
  }

  updateModel(name: string, patch: { description?: string; tags?: Readonly<Record<string, string>>; time: number }): ModelRecord {
    const row = this.requireModel(name);
    const tags = { ...(parseColumn<Record<string, string>>(row.tags, `model '${name}' tags`) ?? {}), ...(patch.tags ?? {}) };
    this.ctx
      .stmt('UPDATE models SET description = ?, tags = ?, updated_at = ? WHERE name = ?')
      .run(patch.description ?? row.description, JSON.stringify(tags), patch.time, name);
    return this.modelFromRow(this.modelRow(name)!);
  }

  deleteModel(name: string): void {
    this.requireModel(name);
    const aliases = Object.entries(this.aliasesOf(name));
    if (aliases.length > 0) {
      throw new RegistryRefusedError(
        `registered model '${name}' still has aliases (${aliases.map(([a, v]) => `${a} → version ${v}`).join(', ')}); delete them first (sluice models alias delete ${name} <alias>)`,
      );
    }
    this.ctx.stmt('DELETE FROM alias_history WHERE name = ?').run(name);
    this.ctx.stmt('DELETE FROM model_versions WHERE name = ?').run(name);
    this.ctx.stmt('DELETE FROM models WHERE name = ?').run(name);
  }

  // ---- versions ----

  createVersion(input: ModelVersionInput): ModelVersionRecord {
    if (input.token) {
      const existing = this.findVersionByToken(input.token);
      if (existing) return existing; // the same registration delivered twice
    }
    if (!this.modelRow(input.name)) this.insertModel({ name: input.name, createdAt: input.createdAt, createdBy: input.createdBy });
    const version = this.modelRow(input.name)!.last_version + 1;
    let codeDigest = input.codeDigest ?? null;
    if (codeDigest === null && input.runId) {
      codeDigest = (this.ctx.stmt('SELECT code_digest FROM runs WHERE run_id = ?').get(input.runId) as { code_digest: string } | undefined)?.code_digest ?? null;
    }
    this.ctx.stmt('UPDATE models SET last_version = ?, updated_at = ? WHERE name = ?').run(version, input.createdAt, input.name);
    this.ctx
      .stmt(
        `INSERT INTO model_versions (name, version, created_at, updated_at, created_by, description, tags, source, run_id, pathspec, artifact,
          code_digest, inputs, metrics, signature, example, gate, token) VALUES (${new Array(18).fill('?').join(', ')})`,
      )
      .run(
        input.name,
        version,
        input.createdAt,
        input.createdAt,
        input.createdBy,
        input.description ?? '',
        JSON.stringify(input.tags ?? {}),
        input.source,
        input.runId ?? null,
        input.pathspec ?? null,
        input.artifact ? JSON.stringify(input.artifact) : null,
        codeDigest,
        JSON.stringify(input.inputs ?? {}),
        encodeNumbers(input.metrics ?? {}),
        input.signature ? JSON.stringify(input.signature) : null,
        input.example ? JSON.stringify(input.example) : null,
        null,
        input.token ?? null,
      );
    if (input.gate) this.evaluateGate(input.name, version, input.gate, input.createdAt);
    if (input.promote) {
      this.changeAlias({
        name: input.name,
        alias: input.promote.alias,
        version,
        requireGate: input.promote.requireGate,
        actor: input.createdBy,
        reason: input.promote.reason ?? `registered version ${version}`,
        time: input.createdAt,
        token: input.token,
      });
    }
    return this.getVersion(input.name, version)!;
  }

  getVersion(name: string, version: number): ModelVersionRecord | undefined {
    const row = this.versionRow(name, version);
    return row && this.versionsFromRows([row])[0];
  }

  findVersionByToken(token: string): ModelVersionRecord | undefined {
    const row = this.ctx.stmt('SELECT * FROM model_versions WHERE token = ?').get(token) as VersionRow | undefined;
    return row && this.versionsFromRows([row])[0];
  }

  listVersions(name: string): ModelVersionRecord[] {
    this.requireModel(name);
    return this.versionsFromRows(this.ctx.stmt('SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC').all(name) as VersionRow[]);
  }

  searchVersions(query: VersionSearchQuery & { readonly orderBy?: readonly string[] }): Page<ModelVersionRecord> {
    const parsed = parseFilter(query.filter, VERSION_FILTER);
    const orderBy = [...parsed.orderBy, ...parseOrderBy(query.orderBy, VERSION_FILTER)];
    const limit = pageSize(query.limit, 200, 10_000, 'model version search');
    const print = fingerprint(['versions', query.filter ?? '', query.orderBy ?? [], limit]);
    const offset = readPageToken(query.pageToken, print);
    const where = parsed.where ? compileWhere(parsed.where, resolveVersionIdentifier) : { sql: '1 = 1', args: [] };
    const order = orderBy.length > 0 ? compileOrder(orderBy, resolveVersionIdentifier) : { sql: '', args: [] };
    const sql = `SELECT v.* FROM model_versions v WHERE ${where.sql} ORDER BY ${order.sql ? `${order.sql}, ` : ''}v.name, v.version DESC LIMIT ? OFFSET ?`;
    const rows = this.ctx.stmt(sql).all([...where.args, ...order.args, limit + 1, offset]) as VersionRow[];
    const more = rows.length > limit;
    return { items: this.versionsFromRows(rows.slice(0, limit)), nextPageToken: more ? makePageToken(offset + limit, print) : null };
  }

  updateVersion(name: string, version: number, patch: { description?: string; tags?: Readonly<Record<string, string>>; time: number }): ModelVersionRecord {
    const row = this.requireVersion(name, version);
    const tags = { ...(parseColumn<Record<string, string>>(row.tags, 'tags') ?? {}), ...(patch.tags ?? {}) };
    this.ctx
      .stmt('UPDATE model_versions SET description = ?, tags = ?, updated_at = ? WHERE name = ? AND version = ?')
      .run(patch.description ?? row.description, JSON.stringify(tags), patch.time, name, version);
    return this.getVersion(name, version)!;
  }

  deleteVersion(name: string, version: number): void {
    this.requireVersion(name, version);
    const holders = Object.entries(this.aliasesOf(name)).filter(([, v]) => v === version);
    if (holders.length > 0) {
      const names = holders.map(([a]) => `'${a}'`).join(', ');
      throw new RegistryRefusedError(
        `version ${version} of model '${name}' is what alias ${names} points at; move the alias to another version or delete it first (sluice models alias set|delete)`,
      );
    }
    this.ctx.stmt('DELETE FROM model_versions WHERE name = ? AND version = ?').run(name, version);
  }

  evaluateGate(name: string, version: number, spec: GateSpec, time: number): GateVerdict {
    const row = this.requireVersion(name, version);
    const metrics = decodeMetrics(row.metrics, `model '${name}' version ${version} metrics`);
    let baseline: { version: number; metrics: Record<string, number> } | null = null;
    if (spec.vs) {
      const at = this.aliasesOf(name)[spec.vs.alias];
      const base = at === undefined ? undefined : this.versionRow(name, at);
      if (base) baseline = { version: base.version, metrics: decodeMetrics(base.metrics, `model '${name}' version ${base.version} metrics`) };
    }
    const verdict = evaluateGate(spec, { version, metrics }, baseline, time);
    this.ctx.stmt('UPDATE model_versions SET gate = ?, updated_at = ? WHERE name = ? AND version = ?').run(encodeNumbers(verdict), time, name, version);
    return verdict;
  }

  // ---- aliases ----

  getAlias(name: string, alias: string): number | undefined {
    return this.aliasesOf(name)[alias];
  }

  /** Applies an alias change and records it; a gate refusal is recorded and returned, not thrown. */
  changeAlias(change: AliasChangeInput): AliasHistoryRecord {
    this.requireModel(change.name);
    const from = this.getAlias(change.name, change.alias) ?? null;
    let target: number | undefined = change.version;
    if (target === undefined && change.versionToken !== undefined) {
      const found = this.findVersionByToken(change.versionToken);
      if (!found) throw new TrackingNotFoundError('model version', `no version of model '${change.name}' was registered with token ${change.versionToken}`);
      target = found.version;
    }
    const record = (action: AliasHistoryRecord['action'], to: number | null, reason: string): AliasHistoryRecord => {
      const result = this.ctx
        .stmt('INSERT INTO alias_history (name, alias, from_version, to_version, action, actor, reason, time, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(change.name, change.alias, from, to, action, change.actor, reason, change.time, change.token ?? null);
      return historyFromRow(this.ctx.stmt('SELECT * FROM alias_history WHERE id = ?').get(result.lastInsertRowid) as HistoryRow);
    };
    if (target === undefined) {
      if (from === null) throw new TrackingNotFoundError('alias', `model '${change.name}' has no alias '${change.alias}'`);
      this.ctx.stmt('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(change.name, change.alias);
      return record('delete', null, change.reason ?? '');
    }
    const row = this.requireVersion(change.name, target);
    if (change.requireGate) {
      const verdict = decodeVerdict(row.gate, 'gate');
      if (!verdict || !verdict.passed) {
        const why = verdict ? `its gate failed: ${verdict.reasons.join('; ')}` : 'it has no gate verdict (run a gate first)';
        return record('refused', target, `${change.reason ? `${change.reason}; ` : ''}refused: ${why}`);
      }
    }
    this.ctx
      .stmt('INSERT INTO model_aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at')
      .run(change.name, change.alias, target, change.time);
    this.ctx.stmt('UPDATE models SET updated_at = ? WHERE name = ?').run(change.time, change.name);
    return record('set', target, change.reason ?? '');
  }

  aliasHistory(name: string, alias?: string): AliasHistoryRecord[] {
    this.requireModel(name);
    const rows =
      alias === undefined
        ? (this.ctx.stmt('SELECT * FROM alias_history WHERE name = ? ORDER BY id').all(name) as HistoryRow[])
        : (this.ctx.stmt('SELECT * FROM alias_history WHERE name = ? AND alias = ? ORDER BY id').all(name, alias) as HistoryRow[]);
    return rows.map(historyFromRow);
  }

  findAliasChangeByToken(token: string): AliasHistoryRecord | undefined {
    const row = this.ctx.stmt('SELECT * FROM alias_history WHERE token = ? ORDER BY id DESC LIMIT 1').get(token) as HistoryRow | undefined;
    return row && historyFromRow(row);
  }
}
