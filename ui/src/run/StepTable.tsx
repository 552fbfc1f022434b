/** Per-step profile: task counts, durations, retries and resource use (from measured task stats). */
import { formatBytes, formatDuration } from '../format';
import type { StepSummary } from '../types';

export function StepTable({ steps, onStep }: { readonly steps: readonly StepSummary[]; readonly onStep: (step: string) => void }) {
  return (
    <table className="grid steps">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Tasks</th>
          <th scope="col">Failed</th>
          <th scope="col">Retried</th>
          <th scope="col">Wall</th>
          <th scope="col">Task time</th>
          <th scope="col">Mean</th>
          <th scope="col">Max</th>
          <th scope="col">CPU</th>
          <th scope="col">Peak RSS</th>
          <th scope="col">Read / written</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.name}>
            <td>
              <button type="button" className="link" onClick={() => onStep(s.name)}>
                {s.name}
              </button>
            </td>
            <td>{`${s.counts.done}/${s.total}`}</td>
            <td>{s.counts.failed || ''}</td>
            <td>{s.retried || ''}</td>
            <td>{s.startedAt !== null && s.endedAt !== null ? formatDuration(s.endedAt - s.startedAt) : '–'}</td>
            <td>{formatDuration(s.durationSumMs)}</td>
            <td>{formatDuration(s.durationMeanMs)}</td>
            <td>{formatDuration(s.durationMaxMs)}</td>
            <td>{s.cpuMs ? formatDuration(s.cpuMs) : '–'}</td>
            <td>{s.peakRssBytes ? formatBytes(s.peakRssBytes) : '–'}</td>
            <td>{s.bytesRead || s.bytesWritten ? `${formatBytes(s.bytesRead)} / ${formatBytes(s.bytesWritten)}` : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
