/**
 * A uPlot line chart of one or more series over steps. Series may have different x values;
 * they are aligned on the union of steps (gaps where a series has no point).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface Series {
  readonly label: string;
  readonly x: readonly number[];
  /** null for a missing or non-finite value. */
  readonly y: readonly (number | null)[];
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];

/** Aligns series on the sorted union of their x values. */
export function align(series: readonly Series[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => {
      col[index.get(x)!] = s.y[i] ?? null;
    });
    return col;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function Chart({ series, xLabel = 'step', yLabel, height = 300 }: { readonly series: readonly Series[]; readonly xLabel?: string; readonly yLabel: string; readonly height?: number }) {
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || series.length === 0) return;
    const axisColor = cssVar('--muted', '#5f6b7a');
    const grid = cssVar('--border', '#d9dee5');
    const axis = (label: string): uPlot.Axis => ({ label, stroke: axisColor, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } });
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height,
      scales: { x: { time: false } },
      axes: [axis(xLabel), axis(yLabel)],
      series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.6, spanGaps: true, points: { show: s.x.length <= 60 } }))],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    const plot = new uPlot(opts, align(series), el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [series, xLabel, yLabel, height]);
  return <div className="chart" ref={box} role="img" aria-label={`Chart of ${yLabel} by ${xLabel}: ${series.map((s) => s.label).join(', ')}`} data-chart={yLabel} />;
}

/** Numbers from the API (non-finite values arrive as strings) → chart values. */
export function chartValue(v: number | string): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Series from one metric history: one per task when a few tasks logged it, else the mean per
 * step over all tasks.
 */
export function seriesOf(history: { step: number[]; value: (number | string)[]; taskId: (number | null)[] }, prefix = ''): Series[] {
  const tasks = [...new Set(history.taskId)];
  if (tasks.length <= 8) {
    return tasks.map((task) => {
      const x: number[] = [];
      const y: (number | null)[] = [];
      history.taskId.forEach((t, i) => {
        if (t !== task) return;
        x.push(history.step[i]!);
        y.push(chartValue(history.value[i]!));
      });
      const name = tasks.length === 1 ? prefix || 'value' : `${prefix}${prefix ? ' ' : ''}task ${task ?? 'api'}`;
      return { label: name, x, y };
    });
  }
  const sums = new Map<number, { sum: number; n: number }>();
  history.step.forEach((step, i) => {
    const v = chartValue(history.value[i]!);
    if (v === null) return;
    const acc = sums.get(step) ?? { sum: 0, n: 0 };
    acc.sum += v;
    acc.n++;
    sums.set(step, acc);
  });
  const steps = [...sums.keys()].sort((a, b) => a - b);
  return [{ label: `${prefix}${prefix ? ' ' : ''}mean of ${tasks.length} tasks`, x: steps, y: steps.map((s) => sums.get(s)!.sum / sums.get(s)!.n) }];
}
