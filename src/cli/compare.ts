/**
 * `sluice compare <run> <run> ...`: params and metrics side by side; rows whose values differ are
 * marked with `*` (`--diff` shows only those). `--json` for machines.
 */
import type { Command } from 'commander';
import type { Comparison } from '../track/tracking.js';
import { CliUsageError, table, type CliContext } from './format.js';
import { formatNumber, runHeader, trackingJson, withTracking } from './metrics.js';

function comparisonText(comparison: Comparison, onlyDiff: boolean): string {
  // Columns are numbered; the header lines above them say which run each number is.
  const names = comparison.runs.map((_r, i) => `[${i + 1}]`);
  const lines = comparison.runs.map((r, i) => `[${i + 1}] ${runHeader(r)}`);
  const section = (title: string, rows: { key: string; values: string[]; differs: boolean }[]): void => {
    const shown = onlyDiff ? rows.filter((r) => r.differs) : rows;
    const differing = rows.filter((r) => r.differs).length;
    lines.push('', `${title} (${differing} of ${rows.length} differ${onlyDiff ? '; showing those' : ', marked *'})`);
    if (shown.length === 0) return;
    lines.push(
      table(
        ['', title === 'params' ? 'param' : 'metric', ...names],
        shown.map((r) => [r.differs ? '*' : '', r.key, ...r.values]),
      ),
    );
  };
  section(
    'params',
    comparison.params.map((p) => ({ key: p.key, differs: p.differs, values: p.values.map((v) => (v === null ? '-' : v.length > 40 ? `${v.slice(0, 39)}…` : v)) })),
  );
  section(
    'metrics',
    comparison.metrics.map((m) => ({ key: m.key, differs: m.differs, values: m.values.map((v) => formatNumber(v)) })),
  );
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('compare')
    .description('params and metrics of runs side by side, differences marked')
    .argument('<runs...>', 'two or more run pathspecs Flow/RunId')
    .option('--diff', 'show only the params and metrics that differ')
    .option('--json', 'print as JSON (NaN and ±Infinity as strings)')
    .action(async (refs: string[], options: { diff?: boolean; json?: boolean }) => {
      if (refs.length < 2) throw new CliUsageError(`compare needs at least two runs, got ${refs.length}`);
      await withTracking(context, async (tracking) => {
        const comparison = await tracking.compare(refs);
        context.out(options.json ? `${trackingJson(comparison)}\n` : comparisonText(comparison, options.diff ?? false));
      });
    });
}
