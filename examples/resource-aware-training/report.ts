/**
 * The recommendation table: per dataset size, every algorithm's accuracy, cost (fit time, peak
 * memory) and efficiency (accuracy per second of fitting, per GiB of peak memory), plus which
 * algorithm to pick for each goal.
 */
import { ALGORITHM_NAMES, type Algorithm, type TrainResult } from './train.js';

/** One row of the table (plain data, stored as an artifact). */
export interface RecommendationRow {
  readonly rows: number;
  readonly algo: Algorithm;
  readonly accuracy: number;
  readonly fitSeconds: number;
  readonly peakRssMiB: number;
  /** Peak RSS above the worker's RSS at task start: what the algorithm itself added. */
  readonly addedMiB: number;
  /** accuracy / fit seconds. */
  readonly accuracyPerSecond: number;
  /** accuracy / peak GiB. */
  readonly accuracyPerGiB: number;
}

/** The pick per goal for one dataset size. */
export interface SizeAdvice {
  readonly rows: number;
  readonly mostAccurate: Algorithm;
  readonly fastest: Algorithm;
  readonly leanest: Algorithm;
  /** The cheapest algorithm within one accuracy point of the best (by fit time). */
  readonly recommended: Algorithm;
}

export function recommendationRows(results: readonly TrainResult[]): RecommendationRow[] {
  return results
    .map((r) => ({
      rows: r.rows,
      algo: r.algo,
      accuracy: r.accuracy,
      fitSeconds: r.fitSeconds,
      peakRssMiB: r.peakRssMiB,
      addedMiB: Math.max(0, r.peakRssMiB - r.startRssMiB),
      // A floor of 1 ms keeps a near-instant fit from dividing by zero.
      accuracyPerSecond: r.accuracy / Math.max(r.fitSeconds, 1e-3),
      accuracyPerGiB: r.accuracy / (r.peakRssMiB / 1024),
    }))
    .sort((a, b) => a.rows - b.rows || b.accuracy - a.accuracy);
}

function best(rows: readonly RecommendationRow[], key: (r: RecommendationRow) => number): Algorithm {
  return rows.reduce((a, b) => (key(b) > key(a) ? b : a)).algo;
}

export function adviceBySize(rows: readonly RecommendationRow[]): SizeAdvice[] {
  const sizes = [...new Set(rows.map((r) => r.rows))].sort((a, b) => a - b);
  return sizes.map((size) => {
    const group = rows.filter((r) => r.rows === size);
    const top = Math.max(...group.map((r) => r.accuracy));
    const close = group.filter((r) => r.accuracy >= top - 0.01);
    return {
      rows: size,
      mostAccurate: best(group, (r) => r.accuracy),
      fastest: best(group, (r) => r.accuracyPerSecond),
      leanest: best(group, (r) => r.accuracyPerGiB),
      recommended: best(close, (r) => -r.fitSeconds),
    };
  });
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The table and the advice as text, for the log and the `report` artifact. */
export function renderReport(rows: readonly RecommendationRow[], advice: readonly SizeAdvice[]): string {
  const header = ['rows', 'algorithm', 'accuracy', 'fit s', 'peak MiB', '+MiB', 'acc/s', 'acc/GiB'];
  const body = rows.map((r) => [
    r.rows.toLocaleString('en-US'),
    ALGORITHM_NAMES[r.algo],
    r.accuracy.toFixed(3),
    r.fitSeconds.toFixed(2),
    r.peakRssMiB.toFixed(0),
    r.addedMiB.toFixed(0),
    r.accuracyPerSecond.toFixed(2),
    r.accuracyPerGiB.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i]!, i !== 1)).join('  ');
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), ''];
  for (const a of advice) {
    lines.push(
      `${a.rows.toLocaleString('en-US')} rows: use ${ALGORITHM_NAMES[a.recommended]} ` +
        `(most accurate: ${ALGORITHM_NAMES[a.mostAccurate]}; most accuracy per second: ${ALGORITHM_NAMES[a.fastest]}; ` +
        `per GiB: ${ALGORITHM_NAMES[a.leanest]})`,
    );
  }
  return lines.join('\n');
}
