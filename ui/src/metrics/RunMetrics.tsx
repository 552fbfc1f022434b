/** A run's tracked data: metric summaries, a chart of the chosen metric's history, params and tags. */
import { useMemo } from 'react';
import { query, seg } from '../api';
import { ErrorBox, Loading } from '../components/common';
import { formatNumber } from '../format';
import { useApi } from '../hooks';
import { setParams, useRoute } from '../router';
import type { MetricHistory, RunMetrics as RunMetricsData } from '../types';
import { Chart, seriesOf } from './Chart';

export function RunMetrics({ flow, runId }: { readonly flow: string; readonly runId: string }) {
  const base = `/api/runs/${seg(flow)}/${seg(runId)}`;
  const data = useApi<RunMetricsData>(`${base}/metrics`);
  const { params } = useRoute();
  // By default, the metric with the longest history (the most interesting chart).
  const longest = data.data?.metrics.reduce<{ key: string; count: number } | null>((best, m) => (best === null || m.count > best.count ? m : best), null);
  const chosen = params.get('metric') ?? longest?.key ?? null;
  const history = useApi<MetricHistory>(chosen !== null && data.data?.metrics.some((m) => m.key === chosen) ? `${base}/metric-history${query({ key: chosen })}` : null);
  const series = useMemo(() => (history.data ? seriesOf(history.data) : []), [history.data]);

  if (data.error) return <ErrorBox error={data.error} what="metrics" />;
  if (!data.data) return <Loading what="metrics" />;
  const { metrics, params: logged, tags } = data.data;
  return (
    <div className="run-metrics">
      {metrics.length === 0 ? (
        <p className="muted">No metrics logged. Steps log them with `log.metric(name, value, &#123; step &#125;)`.</p>
      ) : (
        <>
          <table className="grid metrics">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Latest</th>
                <th scope="col">Step</th>
                <th scope="col">Min</th>
                <th scope="col">Max</th>
                <th scope="col">Points</th>
              </tr>
            </thead>
            <tbody>
              {metrics.map((m) => (
                <tr key={m.key} className={m.key === chosen ? 'selected' : undefined}>
                  <td>
                    <button type="button" className="link mono" aria-pressed={m.key === chosen} onClick={() => setParams({ metric: m.key })}>
                      {m.key}
                    </button>
                  </td>
                  <td className="mono">{formatNumber(m.value)}</td>
                  <td>{m.step}</td>
                  <td className="mono">{formatNumber(m.min)}</td>
                  <td className="mono">{formatNumber(m.max)}</td>
                  <td>{m.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {chosen !== null && (
            <section aria-label={`History of ${chosen}`}>
              <h3 className="mono">{chosen}</h3>
              {history.error && <ErrorBox error={history.error} what={`the history of ${chosen}`} />}
              {history.loading && !history.data && <Loading what="the history" />}
              {history.data && (
                <>
                  <Chart series={series} yLabel={chosen} />
                  {history.data.downsampled && <p className="muted small">{`${history.data.total.toLocaleString('en-US')} points, thinned for the chart (each bucket keeps its first, lowest and highest point).`}</p>}
                </>
              )}
            </section>
          )}
        </>
      )}
      <h3>Params</h3>
      {logged.length === 0 ? (
        <p className="muted">No params.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Param</th>
              <th scope="col">Value</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {logged.map((p) => (
              <tr key={p.key}>
                <td className="mono">{p.key}</td>
                <td className="mono value">{p.text}</td>
                <td className="muted small">{p.source === 'logged' && p.taskId !== null ? `logged by task ${p.taskId}` : p.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Tags</h3>
      {Object.keys(tags).length === 0 ? (
        <p className="muted">No tags.</p>
      ) : (
        <dl className="facts">
          {Object.entries(tags).map(([k, v]) => (
            <div key={k}>
              <dt className="mono">{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
