/**
 * Several runs side by side: status, params and latest metrics (rows that differ are marked),
 * and one metric's history from every run on one chart. `?runs=Flow/id,Flow/id&metric=loss`.
 */
import { useEffect, useMemo, useState } from 'react';
import { apiGet, query, seg } from '../api';
import { Empty, ErrorBox, Loading, StatusBadge } from '../components/common';
import { formatDuration, formatNumber } from '../format';
import { useApi } from '../hooks';
import { Chart, seriesOf, type Series } from '../metrics/Chart';
import { Link, setParams, useRoute } from '../router';
import type { Compare, MetricHistory } from '../types';

export function ComparePage() {
  const { params } = useRoute();
  const specs = (params.get('runs') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const data = useApi<Compare>(specs.length > 0 ? `/api/compare${query({ run: specs })}` : null);
  const runs = data.data?.runs ?? [];
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.trackedParams)))].sort(), [runs]);
  const counts = (key: string): number => runs.reduce((n, r) => n + (r.metrics[key]?.count ?? 0), 0);
  const metric = params.get('metric') ?? [...metricKeys].sort((a, b) => counts(b) - counts(a))[0] ?? null;
  const [series, setSeries] = useState<{ key: string; series: Series[]; error?: Error } | null>(null);

  useEffect(() => {
    if (metric === null || runs.length === 0) return;
    const controller = new AbortController();
    const withMetric = runs.filter((r) => r.metrics[metric]);
    Promise.all(
      withMetric.map((r) =>
        apiGet<MetricHistory>(`/api/runs/${seg(r.flow)}/${seg(r.runId)}/metric-history${query({ key: metric })}`, controller.signal).then((h) => {
          const per = seriesOf(h, r.runId);
          // One line per run: several tasks collapse to their mean per step.
          return per.length === 1 ? per[0]! : seriesOf({ ...h, taskId: h.taskId.map(() => 0) }, r.runId)[0]!;
        }),
      ),
    ).then(
      (s) => setSeries({ key: metric, series: s }),
      (error: Error) => !controller.signal.aborted && setSeries({ key: metric, series: [], error }),
    );
    return () => controller.abort();
  }, [metric, runs]);

  if (specs.length === 0) return <Empty>Pick runs to compare on the <Link to="/runs">runs page</Link> (tick two or more, then “Compare”).</Empty>;
  if (data.error) return <ErrorBox error={data.error} what="the runs" />;
  if (!data.data) return <Loading what="the runs" />;

  const differs = (values: string[]): boolean => new Set(values).size > 1;
  return (
    <section className="page" aria-labelledby="compare-title">
      <header className="page-head">
        <h1 id="compare-title">Compare {runs.length} runs</h1>
      </header>
      <div className="scroll-x">
        <table className="grid compare">
          <thead>
            <tr>
              <th scope="col" />
              {runs.map((r) => (
                <th key={r.runId} scope="col">
                  <Link to={`/runs/${seg(r.flow)}/${seg(r.runId)}`}>{r.pathspec}</Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">status</th>
              {runs.map((r) => (
                <td key={r.runId}>
                  <StatusBadge status={r.status} />
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">duration</th>
              {runs.map((r) => (
                <td key={r.runId}>{formatDuration(r.durationMs)}</td>
              ))}
            </tr>
            <tr className="group">
              <th scope="rowgroup" colSpan={runs.length + 1}>
                Params
              </th>
            </tr>
            {paramKeys.map((k) => {
              const values = runs.map((r) => r.trackedParams[k] ?? '–');
              return (
                <tr key={`p:${k}`} className={differs(values) ? 'differs' : undefined} data-param={k}>
                  <th scope="row" className="mono">
                    {k}
                  </th>
                  {values.map((v, i) => (
                    <td key={runs[i]!.runId} className="mono value">
                      {v}
                    </td>
                  ))}
                </tr>
              );
            })}
            <tr className="group">
              <th scope="rowgroup" colSpan={runs.length + 1}>
                Metrics (latest)
              </th>
            </tr>
            {metricKeys.map((k) => {
              const values = runs.map((r) => (r.metrics[k] ? formatNumber(r.metrics[k].value) : '–'));
              return (
                <tr key={`m:${k}`} className={differs(values) ? 'differs' : undefined}>
                  <th scope="row">
                    <button type="button" className="link mono" aria-pressed={k === metric} onClick={() => setParams({ metric: k })}>
                      {k}
                    </button>
                  </th>
                  {values.map((v, i) => (
                    <td key={runs[i]!.runId} className="mono">
                      {v}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">Rows whose values differ between the runs are marked.</p>
      {metric !== null && (
        <section aria-label={`History of ${metric}`}>
          <h2 className="mono">{metric}</h2>
          {series?.error && <ErrorBox error={series.error} what={`the history of ${metric}`} />}
          {series?.key === metric && series.series.length > 0 ? <Chart series={series.series} yLabel={metric} /> : !series?.error && <Loading what="the histories" />}
        </section>
      )}
    </section>
  );
}
