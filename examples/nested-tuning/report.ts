/** The comparison table of the tuning example: one row per algorithm, best on the test set first. */
import type { ParamSet } from 'sluice/ml';
import { formatParams, type Algorithm } from './grids.js';

/** One algorithm after tuning: its best candidate's CV score and the retrained model's test scores. */
export interface AlgorithmSummary {
  readonly algo: Algorithm;
  readonly bestParams: ParamSet;
  /** Candidates tried. */
  readonly candidates: number;
  /** Mean and standard deviation of the best candidate's CV accuracy. */
  readonly cvAccuracy: number;
  readonly cvStd: number;
  /** The best candidate retrained on all tuning rows, scored on the held-out rows. */
  readonly testAccuracy: number;
  readonly testAuc: number;
  /** Seconds to retrain the best candidate. */
  readonly fitSeconds: number;
}

export function renderComparison(summaries: readonly AlgorithmSummary[]): string {
  const sorted = [...summaries].sort((a, b) => b.testAccuracy - a.testAccuracy || b.cvAccuracy - a.cvAccuracy);
  const header = ['algorithm', 'candidates', 'CV accuracy', 'test accuracy', 'test AUC', 'refit s', 'best parameters'];
  const body = sorted.map((s) => [
    s.algo,
    String(s.candidates),
    `${s.cvAccuracy.toFixed(3)} ± ${s.cvStd.toFixed(3)}`,
    s.testAccuracy.toFixed(3),
    s.testAuc.toFixed(3),
    s.fitSeconds.toFixed(3),
    formatParams(s.bestParams),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const left = new Set([0, 6]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
