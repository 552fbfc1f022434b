/** Renders a run profile for the terminal. */
import { fmtBytes, fmtMs } from '../planner/explain.js';
import type { RunProfile } from './types.js';

function table(headers: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all.map((r) => r.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

const pct = (share: number): string => `${Math.round(share * 100)}%`;

export function formatProfile(p: RunProfile): string {
  const lines: string[] = [];
  const wall = p.runWallMs !== null ? `${fmtMs(p.runWallMs)} wall, ` : '';
  lines.push(`Profile of ${p.flow}/${p.runId} (${p.status}): ${wall}tasks span ${fmtMs(p.taskSpanMs)}, ${p.tasks} tasks (${p.measuredTasks} measured)`);
  lines.push(
    `Parallel efficiency ${pct(p.parallelEfficiency)}: busy ${fmtMs(p.busyMs)} of ${p.workers} worker${p.workers === 1 ? '' : 's'} (${p.workersSource}) × ${fmtMs(p.taskSpanMs)}; at most ${p.maxConcurrency} task${
      p.maxConcurrency === 1 ? '' : 's'
    } at once`,
  );
  const path = p.criticalPath.segments.map((s) => `${s.step}${s.taskIds.length > 1 ? `×${s.taskIds.length}` : ''} (${fmtMs(s.ms)})`).join(' → ');
  lines.push(`Critical path ${fmtMs(p.criticalPath.totalMs)}: ${path || '-'}`);
  if (p.bottleneck) lines.push(`Bottleneck: ${p.bottleneck.step} — ${pct(p.bottleneck.share)} of the critical path (${fmtMs(p.bottleneck.criticalMs)})`);
  lines.push('');
  const headers = ['STEP', 'KIND', 'TASKS', 'WALL', 'SPAN', 'SHARE', 'USER', 'LOAD', 'STORE', 'CPU', 'CORES', 'READ', 'WRITTEN', 'PEAK RSS', 'MEDIAN', 'MAX'];
  const rows = p.steps.map((s) => [
    s.step,
    s.kind,
    `${s.tasks}${s.failed ? ` (${s.failed} failed)` : ''}`,
    fmtMs(s.wallMs),
    fmtMs(s.spanMs),
    pct(s.share),
    fmtMs(s.userMs),
    fmtMs(s.loadMs),
    fmtMs(s.storeMs),
    fmtMs(s.cpuMs),
    s.coresUsed.toFixed(1),
    fmtBytes(s.bytesRead),
    fmtBytes(s.bytesWritten),
    s.peakRssBytes ? fmtBytes(s.peakRssBytes) : '-',
    fmtMs(s.medianTaskMs),
    fmtMs(s.maxTaskMs),
  ]);
  lines.push(...table(headers, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])));
  if (p.maps.length > 0) {
    lines.push('', 'Maps (ctx.map)');
    for (const m of p.maps) {
      const how = m.mode === 'parallel' ? `${m.workers} workers × chunks of ${m.chunkSize}` : 'serial';
      const real = m.realisedSpeedup !== null ? `, realised ${m.realisedSpeedup.toFixed(2)}×` : '';
      lines.push(`  ${m.step}/${m.taskId} '${m.label}' over ${m.items} items: ${how}, estimated ${m.estimatedSpeedup.toFixed(2)}×${real}${m.wallMs !== null ? ` (${fmtMs(m.wallMs)})` : ''}`);
    }
  }
  if (p.batches.length > 0) {
    lines.push('', "Foreach batches (batch: 'auto')");
    for (const b of p.batches) {
      lines.push(
        `  ${b.step}: ${b.items} items of ${fmtMs(b.itemMs)} with ${fmtMs(b.overheadMs)} overhead per dispatch → batches of ${b.batchSize} (${b.batches} sent), estimated ${fmtMs(
          b.estimatedMs,
        )} (${b.estimatedSpeedup.toFixed(2)}× vs one item per dispatch), took ${fmtMs(b.spanMs)}`,
      );
    }
  }
  const predicted = p.predictions.filter((r) => r.pastRuns > 0 || r.declared?.memoryMiB !== undefined);
  if (predicted.length > 0) {
    lines.push('', 'Resources (next run at this input size, per task)');
    for (const r of predicted) {
      const declared = r.declared?.memoryMiB !== undefined ? ` (declared ${fmtBytes(r.declared.memoryMiB * 1024 * 1024)})` : '';
      const source = r.pastRuns > 0 ? `from ${r.pastRuns} past run${r.pastRuns === 1 ? '' : 's'} + this one (${r.method})` : 'this run only';
      const check = r.predictedForThisRun
        ? `; past runs predicted ${fmtBytes(r.predictedForThisRun.peakRssBytes)} / ${fmtMs(r.predictedForThisRun.wallMs)} for this run, actual ${fmtBytes(r.actual.peakRssBytes)} / ${fmtMs(
            r.actual.wallMs,
          )}`
        : '';
      lines.push(`  ${r.step}: peak ${fmtBytes(r.peakRssBytes)}${declared}, ${fmtMs(r.wallMs)} at ${fmtBytes(r.inputBytes)} input — ${source}${check}`);
    }
  }
  lines.push('', 'Suggestions');
  if (p.suggestions.length === 0) lines.push('  none: nothing stands out');
  for (const s of p.suggestions) lines.push(`  - ${s.message}`);
  if (p.measuredTasks === 0 && p.tasks > 0) lines.push('  (this run recorded no task stats: it predates stats, so only timings are shown)');
  return lines.join('\n');
}
