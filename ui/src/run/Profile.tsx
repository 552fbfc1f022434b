/** The run's profile (as `sluice profile`): efficiency, bottleneck, critical path by step, suggestions, predictions. */
import type { RunProfile } from '../../../src/runtime/profile/types.js';
import { ErrorBox, Facts, Loading } from '../components/common';
import { formatBytes, formatDuration } from '../format';
import { useApi } from '../hooks';

const pct = (x: number | string): string => (typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');

export function Profile({ base }: { readonly base: string }) {
  const data = useApi<RunProfile>(`${base}/profile`);
  if (data.error) return <ErrorBox error={data.error} what="the profile" />;
  if (!data.data) return <Loading what="the profile" />;
  const p = data.data;
  return (
    <section className="profile" aria-label="Profile">
      <h3>Profile</h3>
      <Facts
        rows={[
          ['task span', formatDuration(p.taskSpanMs)],
          ['busy', formatDuration(p.busyMs)],
          ['workers', `${p.workers} (${p.workersSource})`],
          ['parallel efficiency', pct(p.parallelEfficiency)],
          ['max concurrency', String(p.maxConcurrency)],
          ['bottleneck', p.bottleneck ? `${p.bottleneck.step}: ${formatDuration(p.bottleneck.criticalMs)} on the critical path (${pct(p.bottleneck.share)})` : '–'],
          ['measured tasks', `${p.measuredTasks} of ${p.tasks}`],
        ]}
      />
      {p.criticalPath.segments.length > 0 && (
        <p className="path">
          <span className="muted">{`Critical path (${formatDuration(p.criticalPath.totalMs)}): `}</span>
          {p.criticalPath.segments.map((s, i) => (
            <span key={i}>
              {i > 0 && <span className="muted">{' → '}</span>}
              {`${s.step} ${formatDuration(s.ms)}`}
            </span>
          ))}
        </p>
      )}
      {p.suggestions.length > 0 && (
        <>
          <h3>Suggestions</h3>
          <ul className="suggestions">
            {p.suggestions.map((s, i) => (
              <li key={i} data-kind={s.kind}>
                {s.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {p.predictions.length > 0 && (
        <>
          <h3>Predicted resources for the next run</h3>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Peak RSS / task</th>
                <th scope="col">Wall / task</th>
                <th scope="col">Declared memory</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {p.predictions.map((r) => (
                <tr key={r.step}>
                  <td>{r.step}</td>
                  <td>{formatBytes(r.peakRssBytes)}</td>
                  <td>{formatDuration(r.wallMs)}</td>
                  <td>{r.declared?.memoryMiB !== undefined ? `${r.declared.memoryMiB} MiB` : '–'}</td>
                  <td className="muted small">{r.method === 'this run' ? 'this run' : `${r.pastRuns} past run${r.pastRuns === 1 ? '' : 's'} (${r.method})`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
