/**
 * Compiles parsed filters to SQLite for run, model and version searches.
 *
 * Every metric, param and tag reference becomes a scalar subquery on a primary key (the per-run
 * summary, the params table, the tag tables), which is NULL when the run lacks it: a NULL never
 * satisfies a comparison, so a run missing what the filter names never matches. The same
 * expression serves `order by`, with missing values sorted last.
 */
import { TrackingValueError } from '../../tracking/values.js';
import type { CompareOp, FilterExpr, FilterIdentifier, FilterValue, OrderKey } from '../../tracking/filter.js';

/** A SQL fragment with its arguments, in order. */
export interface Fragment {
  readonly sql: string;
  readonly args: readonly unknown[];
}

/** Maps an identifier to a scalar SQL expression (over the searched table's alias). */
export type Resolver = (ident: FilterIdentifier) => Fragment;

/** MLflow run status names ⇄ Sluice's. */
const MLFLOW_STATUS: Readonly<Record<string, string>> = { running: 'RUNNING', succeeded: 'FINISHED', failed: 'FAILED', crashed: 'KILLED' };
const STATUS_SQL = `CASE r.status ${Object.entries(MLFLOW_STATUS)
  .map(([ours, theirs]) => `WHEN '${ours}' THEN '${theirs}'`)
  .join(' ')} END`;

/** Sluice's string tags as key:value pairs: the value of key K, or NULL. */
function stringTagValue(key: string): Fragment {
  if (key.includes(':')) return { sql: 'NULL', args: [] };
  return {
    sql: `(SELECT CASE WHEN g.tag = ? THEN '' ELSE substr(g.tag, ?) END FROM run_tags g WHERE g.run_id = r.run_id AND (g.tag = ? OR substr(g.tag, 1, ?) = ?) LIMIT 1)`,
    args: [key, key.length + 2, key, key.length + 1, `${key}:`],
  };
}

export const resolveRunIdentifier: Resolver = (ident) => {
  switch (ident.entity) {
    case 'metric':
      return { sql: '(SELECT s.value FROM metric_summaries s WHERE s.run_id = r.run_id AND s.key = ?)', args: [ident.key] };
    case 'param':
      return { sql: '(SELECT p.value FROM run_params p WHERE p.run_id = r.run_id AND p.key = ?)', args: [ident.key] };
    case 'tag': {
      const fallback = stringTagValue(ident.key);
      return {
        sql: `COALESCE((SELECT t.value FROM run_tag_values t WHERE t.run_id = r.run_id AND t.key = ?), ${fallback.sql})`,
        args: [ident.key, ...fallback.args],
      };
    }
    case 'attribute':
      switch (ident.key) {
        case 'run_id':
          return { sql: 'r.run_id', args: [] };
        case 'run_name':
          return { sql: `COALESCE((SELECT t.value FROM run_tag_values t WHERE t.run_id = r.run_id AND t.key = 'mlflow.runName'), r.run_id)`, args: [] };
        case 'status':
          return { sql: STATUS_SQL, args: [] };
        case 'user_id':
          return { sql: 'r.user_name', args: [] };
        case 'experiment_id':
          return { sql: 'r.flow', args: [] };
        case 'code_digest':
          return { sql: 'r.code_digest', args: [] };
        case 'start_time':
          return { sql: 'r.created_at', args: [] };
        case 'end_time':
          return { sql: 'r.ended_at', args: [] };
        case 'duration':
          return { sql: '(r.ended_at - r.created_at)', args: [] };
      }
  }
  throw new TrackingValueError(`cannot search runs by ${ident.entity} '${ident.key}'`);
};

/** `$."key"` for json_extract, with the key's quotes escaped. */
const jsonPath = (key: string): string => `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

export const resolveModelIdentifier: Resolver = (ident) => {
  if (ident.entity === 'tag') return { sql: 'json_extract(m.tags, ?)', args: [jsonPath(ident.key)] };
  const columns: Record<string, string> = { name: 'm.name', description: 'm.description', creation_timestamp: 'm.created_at', last_updated_timestamp: 'm.updated_at' };
  const column = columns[ident.key];
  if (ident.entity !== 'attribute' || !column) throw new TrackingValueError(`cannot search registered models by ${ident.entity} '${ident.key}'`);
  return { sql: column, args: [] };
};

export const resolveVersionIdentifier: Resolver = (ident) => {
  if (ident.entity === 'tag') return { sql: 'json_extract(v.tags, ?)', args: [jsonPath(ident.key)] };
  if (ident.entity === 'metric') return { sql: `(CASE WHEN json_type(v.metrics, ?) IN ('integer', 'real') THEN json_extract(v.metrics, ?) END)`, args: [jsonPath(ident.key), jsonPath(ident.key)] };
  const columns: Record<string, string> = {
    name: 'v.name',
    version: 'v.version',
    run_id: 'v.run_id',
    source: 'v.source',
    creation_timestamp: 'v.created_at',
    last_updated_timestamp: 'v.updated_at',
  };
  const column = columns[ident.key];
  if (ident.entity !== 'attribute' || !column) throw new TrackingValueError(`cannot search model versions by ${ident.entity} '${ident.key}'`);
  return { sql: column, args: [] };
};

/** SQL LIKE (case-sensitive in MLflow) as a SQLite GLOB pattern: % → *, _ → ?, \x → x. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      glob += '*?['.includes(next) ? `[${next}]` : next;
    } else if (c === '%') glob += '*';
    else if (c === '_') glob += '?';
    else if ('*?['.includes(c)) glob += `[${c}]`;
    else glob += c;
  }
  return glob;
}

/** Status values may use Sluice's names or MLflow's, in any case. */
function valueFor(ident: FilterIdentifier, value: FilterValue): unknown {
  if (value.kind === 'number') return value.value;
  if (ident.entity === 'attribute' && ident.key === 'status') {
    const upper = value.value.toUpperCase();
    return MLFLOW_STATUS[value.value.toLowerCase()] ?? (Object.values(MLFLOW_STATUS).includes(upper) ? upper : value.value);
  }
  return value.value;
}

function compare(expr: Fragment, op: CompareOp, arg: unknown): Fragment {
  switch (op) {
    case 'LIKE':
      return { sql: `${expr.sql} GLOB ?`, args: [...expr.args, likeToGlob(String(arg))] };
    case 'NOT LIKE':
      return { sql: `NOT (${expr.sql} GLOB ?)`, args: [...expr.args, likeToGlob(String(arg))] };
    case 'ILIKE':
      return { sql: `lower(${expr.sql}) LIKE lower(?) ESCAPE '\\'`, args: [...expr.args, arg] };
    case 'NOT ILIKE':
      return { sql: `NOT (lower(${expr.sql}) LIKE lower(?) ESCAPE '\\')`, args: [...expr.args, arg] };
    default:
      return { sql: `${expr.sql} ${op} ?`, args: [...expr.args, arg] };
  }
}

/** The WHERE fragment of a parsed filter. NOT LIKE / NOT IN also require the value to exist. */
export function compileWhere(expr: FilterExpr, resolve: Resolver): Fragment {
  switch (expr.type) {
    case 'and':
    case 'or': {
      const parts = expr.items.map((item) => compileWhere(item, resolve));
      return { sql: `(${parts.map((p) => p.sql).join(expr.type === 'and' ? ' AND ' : ' OR ')})`, args: parts.flatMap((p) => p.args) };
    }
    case 'compare': {
      const target = resolve(expr.left);
      const fragment = compare(target, expr.op, valueFor(expr.left, expr.value));
      if (expr.op.startsWith('NOT')) return { sql: `(${target.sql} IS NOT NULL AND ${fragment.sql})`, args: [...target.args, ...fragment.args] };
      return fragment;
    }
    case 'in': {
      const target = resolve(expr.left);
      const list = expr.values.map((v) => valueFor(expr.left, v));
      const sql = `${target.sql} ${expr.negated ? 'NOT IN' : 'IN'} (${list.map(() => '?').join(', ')})`;
      if (expr.negated) return { sql: `(${target.sql} IS NOT NULL AND ${sql})`, args: [...target.args, ...target.args, ...list] };
      return { sql, args: [...target.args, ...list] };
    }
  }
}

/** ORDER BY terms: missing values last, then the given direction. */
export function compileOrder(keys: readonly OrderKey[], resolve: Resolver): Fragment {
  const parts = keys.map((key) => {
    const target = resolve(key.ident);
    return { sql: `${target.sql} IS NULL, ${target.sql} ${key.descending ? 'DESC' : 'ASC'}`, args: [...target.args, ...target.args] };
  });
  return { sql: parts.map((p) => p.sql).join(', '), args: parts.flatMap((p) => p.args) };
}
