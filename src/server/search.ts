/**
 * The runs list filter `q`: whitespace-separated terms that must all match (case-insensitive)
 * the run's flow, id, user, status, a tag, or a `param=value` pair.
 * (The tracking layer's MLflow-style search, `metrics.auc > 0.8 and …`, takes over when present.)
 */
import type { RunRecord } from '../store/types.js';

function paramText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/**
 * Whether `q` is an MLflow-style filter (`metrics.auc > 0.8`, `params.model = 'rf'`,
 * `tags.team = 'x'`, `attributes.status = 'FINISHED'`, `run_id = '…'`, `… order by …`) rather than plain terms.
 */
export function isFilterQuery(q: string): boolean {
  return /\b(metrics?|params?|parameters?|tags?|attributes?|attribute)\.[\w`"']/i.test(q) || /\b(run_id|run_name|status|start_time|end_time)\s*(=|!=|<|>|\bin\b|\blike\b|\bilike\b)/i.test(q) || /\border\s+by\b/i.test(q);
}

/** The terms of a query, lower-cased; empty for a blank query. */
export function queryTerms(q: string | undefined): string[] {
  return (q ?? '')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '');
}

/** Whether a run matches every term. */
export function runMatches(run: RunRecord, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const fields = [
    run.flow,
    run.runId,
    `${run.flow}/${run.runId}`,
    run.user,
    run.status,
    ...run.tags,
    ...run.systemTags,
    ...Object.entries(run.params).map(([k, v]) => `${k}=${paramText(v)}`),
  ].map((f) => f.toLowerCase());
  return terms.every((term) => fields.some((f) => f.includes(term)));
}
