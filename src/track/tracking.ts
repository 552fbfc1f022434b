/**
 * The tracking read API over a Sluice home: a run's params and metric summary with Sluice's own
 * facts, metric histories (also as CSV), side-by-side comparison, and search.
 *
 * ```ts
 * const tracking = new Tracking();
 * const { runs } = await tracking.search({ filter: "metrics.auc > 0.8 and params.model = 'rf' order by metrics.auc desc" });
 * await tracking.close();
 * ```
 */
import { TrackingNotFoundError } from '../store/tracking/errors.js';
import type { MetricPointRecord, MetricSummary, ParamRecord, RunSearchQuery, RunTrackingData } from '../store/tracking/types.js';
import type { MetadataStore, RunRecord } from '../store/types.js';
import { HomeStore } from './home.js';

/** A metric's summary, with the pathspec of the task that logged the latest value. */
export interface MetricSummaryEntry extends MetricSummary {
  readonly pathspec: string | null;
}

/** Everything tracked about one run, plus Sluice's own facts about it. */
export interface RunSummary {
  readonly pathspec: string;
  readonly flow: string;
  readonly runId: string;
  readonly status: RunRecord['status'];
  readonly user: string;
  readonly codeDigest: string;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
  readonly tags: readonly string[];
  readonly systemTags: readonly string[];
  /** Key/value tags (logged with `log.tag`, or set through the MLflow API). */
  readonly tagValues: Readonly<Record<string, string>>;
  readonly params: readonly ParamRecord[];
  readonly metrics: readonly MetricSummaryEntry[];
}

/** Runs side by side: every param and metric key, one value per run, and whether they differ. */
export interface Comparison {
  readonly runs: readonly RunSummary[];
  readonly params: readonly { readonly key: string; readonly values: readonly (string | null)[]; readonly differs: boolean }[];
  readonly metrics: readonly { readonly key: string; readonly values: readonly (number | null)[]; readonly differs: boolean }[];
}

const same = (values: readonly unknown[]): boolean => values.every((v) => Object.is(v, values[0]));

export class Tracking {
  private readonly store: HomeStore;

  /** Tracking data of `home` (a path, or `{ home }`; default: the run's home inside a step, else SLUICE_HOME or ./.sluice). */
  constructor(options: { readonly home?: string } | string = {}) {
    this.store = new HomeStore(typeof options === 'string' ? options : options.home);
  }

  get home(): string {
    return this.store.home;
  }

  private get meta(): MetadataStore {
    return this.store.open().meta;
  }

  /** A run by `Flow/RunId`, `Flow/latest`, or its bare run id. */
  async run(ref: string): Promise<RunRecord> {
    const [flow, id, ...rest] = ref.split('/');
    if (rest.length > 0 || !flow) throw new TrackingNotFoundError('run', `'${ref}' is not a run: use Flow/RunId, Flow/latest or a run id`);
    if (id === undefined) {
      const run = await this.meta.getRun(flow);
      if (!run) throw new TrackingNotFoundError('run', `no run with id '${flow}' in ${this.home} (use Flow/RunId or Flow/latest)`);
      return run;
    }
    if (id === 'latest') {
      const [latest] = await this.meta.listRuns({ flow, limit: 1 });
      if (!latest) throw new TrackingNotFoundError('run', `flow '${flow}' has no runs in ${this.home}`);
      return latest;
    }
    const run = await this.meta.getRun(id);
    if (!run || run.flow !== flow) {
      const recent = await this.meta.listRuns({ flow, limit: 5 });
      throw new TrackingNotFoundError('run', `flow '${flow}' has no run '${id}'; latest runs: ${recent.map((r) => r.runId).join(', ') || 'none'}`);
    }
    return run;
  }

  private async summarize(run: RunRecord, data: RunTrackingData | undefined): Promise<RunSummary> {
    const steps = new Map<number, string>();
    const metrics: MetricSummaryEntry[] = [];
    for (const metric of data?.metrics ?? []) {
      let pathspec: string | null = null;
      if (metric.taskId !== null) {
        if (!steps.has(metric.taskId)) steps.set(metric.taskId, (await this.meta.getTask(run.runId, metric.taskId))?.step ?? '?');
        pathspec = `${run.flow}/${run.runId}/${steps.get(metric.taskId)}/${metric.taskId}`;
      }
      metrics.push({ ...metric, pathspec });
    }
    return {
      pathspec: `${run.flow}/${run.runId}`,
      flow: run.flow,
      runId: run.runId,
      status: run.status,
      user: run.user,
      codeDigest: run.codeDigest,
      createdAt: run.createdAt,
      endedAt: run.endedAt,
      durationMs: run.endedAt === null ? null : run.endedAt - run.createdAt,
      tags: run.tags,
      systemTags: run.systemTags,
      tagValues: data?.tags ?? {},
      params: data?.params ?? [],
      metrics,
    };
  }

  /** Params, metric summaries (latest, min, max, which task), tags and run facts. */
  async summary(ref: string): Promise<RunSummary> {
    const run = await this.run(ref);
    const data = await this.meta.tracking.getRunData([run.runId]);
    return this.summarize(run, data.get(run.runId));
  }

  /** One metric's history, ordered by step then timestamp. */
  async history(ref: string, key: string, options: { readonly taskId?: number } = {}): Promise<MetricPointRecord[]> {
    const run = await this.run(ref);
    const points = await this.meta.tracking.getMetricHistory(run.runId, key, options);
    if (points.length === 0) {
      const keys = await this.meta.tracking.getMetricKeys(run.runId);
      throw new TrackingNotFoundError('run', `run ${run.flow}/${run.runId} has no metric '${key}'${options.taskId !== undefined ? ` from task ${options.taskId}` : ''}; metrics: ${keys.join(', ') || 'none'}`);
    }
    return points;
  }

  /** Histories as CSV (`key,step,timestamp,value,task_id`); all metrics when `keys` is omitted. NaN and ±Infinity are written as such. */
  async historyCsv(ref: string, keys?: readonly string[]): Promise<string> {
    const run = await this.run(ref);
    const chosen = keys && keys.length > 0 ? keys : await this.meta.tracking.getMetricKeys(run.runId);
    const lines = ['key,step,timestamp,value,task_id'];
    for (const key of chosen) {
      for (const p of await this.history(ref, key)) {
        const quoted = /[",\n]/.test(key) ? `"${key.replaceAll('"', '""')}"` : key;
        lines.push(`${quoted},${p.step},${p.timestamp},${String(p.value)},${p.taskId ?? ''}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  /** Runs side by side; keys that any run has, in order. */
  async compare(refs: readonly string[]): Promise<Comparison> {
    const runs = await Promise.all(refs.map((ref) => this.summary(ref)));
    const paramKeys = [...new Set(runs.flatMap((r) => r.params.map((p) => p.key)))].sort();
    const metricKeys = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].sort();
    const params = paramKeys.map((key) => {
      const values = runs.map((r) => r.params.find((p) => p.key === key)?.text ?? null);
      return { key, values, differs: !same(values) };
    });
    const metrics = metricKeys.map((key) => {
      const values = runs.map((r) => r.metrics.find((m) => m.key === key)?.value ?? null);
      return { key, values, differs: !same(values) };
    });
    return { runs, params, metrics };
  }

  /** Searches runs (MLflow filter syntax plus `or`, parentheses and `order by`), a page at a time. */
  async search(query: RunSearchQuery = {}): Promise<{ runs: RunSummary[]; nextPageToken: string | null }> {
    const result = await this.meta.tracking.searchRuns(query);
    const data = await this.meta.tracking.getRunData(result.runs.map((r) => r.runId));
    const runs: RunSummary[] = [];
    for (const run of result.runs) runs.push(await this.summarize(run, data.get(run.runId)));
    return { runs, nextPageToken: result.nextPageToken };
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
