/**
 * The Gantt timeline: a row per step, a bar per task (lanes for overlapping tasks), or — for
 * steps with many tasks — the number of tasks running over time. Critical-path tasks are
 * highlighted; the path itself is listed under the chart. Clicking a bar opens the task.
 */
import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../format';
import type { Timeline as TimelineData } from '../types';

const LABEL = 150;
const LANE = 9;
const MAX_LANES_SHOWN = 14;
const DENSITY_HEIGHT = 44;
const ROW_GAP = 10;
const AXIS = 22;

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(900);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth || 900);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth || 900));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** About 6 round tick steps across the span. */
function ticks(span: number): number[] {
  const raw = span / 6;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
}

export function Timeline({ data, onTask }: { readonly data: TimelineData; readonly onTask: (taskId: number) => void }) {
  const [ref, width] = useWidth();
  const span = Math.max(1, data.endedAt - data.startedAt);
  const plot = Math.max(200, width - LABEL - 16);
  const x = (t: number): number => LABEL + ((t - data.startedAt) / span) * plot;
  let y = AXIS;
  const rows = data.steps.map((s) => {
    const lanes = Math.min(s.lanes, MAX_LANES_SHOWN);
    const laneHeight = s.lanes > MAX_LANES_SHOWN ? (MAX_LANES_SHOWN * LANE) / s.lanes : LANE;
    const height = s.mode === 'density' ? DENSITY_HEIGHT : Math.max(1, lanes) * LANE + 4;
    const row = { s, top: y, height, laneHeight };
    y += height + ROW_GAP;
    return row;
  });
  const height = y + 4;
  const critical = data.criticalPath;
  return (
    <div className="timeline" ref={ref}>
      {data.steps.every((s) => s.started === 0) ? (
        <p className="muted">No task has started yet.</p>
      ) : (
        <svg width={width} height={height} role="img" aria-label="Timeline of tasks per step">
          {ticks(span).map((t) => (
            <g key={t} className="tick">
              <line x1={LABEL + (t / span) * plot} x2={LABEL + (t / span) * plot} y1={AXIS - 4} y2={height} />
              <text x={LABEL + (t / span) * plot + 3} y={AXIS - 8}>
                {`+${formatDuration(t)}`}
              </text>
            </g>
          ))}
          {rows.map(({ s, top, height: h, laneHeight }) => (
            <g key={s.step} className="trow" data-step={s.step}>
              <text x={4} y={top + Math.min(h, 24) / 2 + 5} className="tlabel">
                {s.step}
                <tspan className="muted">{s.total > 1 ? ` ×${s.total}` : ''}</tspan>
              </text>
              {s.mode === 'density' && s.density && (
                <path
                  className="density"
                  d={(() => {
                    const peak = Math.max(1, ...s.density);
                    const bw = plot / s.density.length;
                    let d = `M${LABEL},${top + h}`;
                    s.density.forEach((v, i) => {
                      const yy = top + h - (v / peak) * h;
                      d += ` L${LABEL + i * bw},${yy.toFixed(1)} L${LABEL + (i + 1) * bw},${yy.toFixed(1)}`;
                    });
                    return `${d} L${LABEL + plot},${top + h} Z`;
                  })()}
                >
                  <title>{`${s.step}: ${s.started} tasks, up to ${s.peak ?? 0} at once`}</title>
                </path>
              )}
              {s.bars.map((b) => (
                <rect
                  key={b.taskId}
                  className={`bar status-${b.status}${b.critical ? ' critical' : ''}`}
                  x={x(b.startedAt)}
                  y={s.mode === 'density' ? top + h - 6 : top + 2 + b.lane * laneHeight}
                  width={Math.max(1.5, x(b.endedAt) - x(b.startedAt))}
                  height={s.mode === 'density' ? 6 : Math.max(1, laneHeight - 2)}
                  data-task={b.taskId}
                  onClick={() => onTask(b.taskId)}
                >
                  <title>{`${s.step} task ${b.taskId}: ${b.status}, ${formatDuration(b.endedAt - b.startedAt)}${b.critical ? ' (critical path)' : ''}`}</title>
                </rect>
              ))}
            </g>
          ))}
        </svg>
      )}
      {critical.length > 0 && (
        <div className="critical-path">
          <h3>Critical path</h3>
          <p className="muted small">
            {`${formatDuration(data.criticalMs)} of task time on the path, ${formatDuration(span)} wall time. The chain of tasks that decided when the run finished:`}
          </p>
          <p className="path">
            {critical.map((p, i) => (
              <span key={p.taskId}>
                {i > 0 && <span className="muted" aria-hidden="true">{' → '}</span>}
                <button type="button" className="link" onClick={() => onTask(p.taskId)}>
                  {`${p.step}/${p.taskId}`}
                </button>
                <span className="muted small">{` ${formatDuration(p.endedAt - p.startedAt)}`}</span>
              </span>
            ))}
          </p>
        </div>
      )}
    </div>
  );
}
