/**
 * `sluice gc [--keep-last N] [--older-than DURATION] [--dry-run] [--json]`: deletes old runs
 * (per flow: beyond the newest N and older than DURATION; never a running one) and every blob
 * nothing kept references. Safe while runs are in progress.
 */
import type { Command } from 'commander';
import { registeredRunIds, registryGcSource } from '../store/metadata/tracking/gc.js';
import { breakerGcSource } from '../runtime/breaker.js';
import { checkpointGcSource } from '../runtime/checkpoint.js';
import { collectGarbage, GcError, parseDuration, type GcReport } from '../store/gc.js';
import { CliUsageError, formatBytes, formatTime, parseCount, table, toJson, type CliContext } from './format.js';

interface GcCliOptions {
  keepLast?: string;
  olderThan?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('gc')
    .description('delete old runs and unreferenced blobs (safe while runs are in progress)')
    .option('--keep-last <n>', 'per flow, keep the newest n runs')
    .option('--older-than <duration>', 'only delete runs older than this, e.g. 7d, 12h, 30m')
    .option('--dry-run', 'report what would be deleted; delete nothing')
    .option('--json', 'print the report as JSON')
    .action((options: GcCliOptions) => {
      const keepLast = parseCount('--keep-last', options.keepLast);
      let olderThanMs: number | undefined;
      let report: GcReport;
      try {
        olderThanMs = options.olderThan === undefined ? undefined : parseDuration(options.olderThan, '--older-than');
        const home = context.home();
        report = collectGarbage({
          home,
          keepLast,
          olderThanMs,
          dryRun: options.dryRun ?? false,
          // Registered model versions keep their blobs and the runs that made them.
          sources: [checkpointGcSource(home), breakerGcSource(home), registryGcSource(home)],
          protectRuns: registeredRunIds(home),
        });
      } catch (error) {
        if (error instanceof GcError) throw new CliUsageError(error.message, { cause: error });
        throw error;
      }
      if (options.json) {
        context.out(`${toJson(report)}\n`);
        return;
      }
      if (keepLast === undefined && olderThanMs === undefined) {
        context.err('(no --keep-last or --older-than: no runs are deleted, only blobs nothing references)\n');
      }
      context.out(render(report, context.home()));
    });
}

function render(report: GcReport, home: string): string {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const { runs, blobs, files } = report;
  const lines = [`gc of ${home}${report.dryRun ? ' (dry run: nothing was deleted)' : ''}`];
  lines.push(`runs:   ${runs.total} in the store; ${verb} ${runs.deleted.length}, kept ${runs.kept} (${runs.running} running)`);
  if (runs.deleted.length > 0) {
    const rows = runs.deleted.map((r) => [`${r.flow}/${r.runId}`, r.status, formatTime(r.createdAt)]);
    lines.push(indent(table(['run', 'status', 'started'], rows)));
  }
  if (runs.keptAsOrigin.length > 0) {
    lines.push(`        kept ${runs.keptAsOrigin.length} old run(s) that kept runs were resumed or cloned from: ${runs.keptAsOrigin.join(', ')}`);
  }
  lines.push(
    `blobs:  ${blobs.total} in the store, ${blobs.referenced} referenced; ${verb} ${blobs.deleted} (${formatBytes(blobs.bytesFreed)}), ` +
      `kept ${formatBytes(blobs.bytesKept)}`,
  );
  if (blobs.sparedInFlight > 0) {
    const since = report.cutoffRun === null ? 'this gc started' : `run ${report.cutoffRun} started`;
    lines.push(`        spared ${blobs.sparedInFlight} unreferenced blob(s) written since ${since} (${formatTime(report.inFlightCutoff)}): possibly in flight`);
  }
  if (blobs.missing.length > 0) {
    lines.push(`        warning: ${blobs.missing.length} referenced blob(s) are missing from the store, e.g. ${blobs.missing[0]}`);
  }
  if (blobs.truncated.length > 0) {
    lines.push(`        warning: ${blobs.truncated.length} pack(s) of foreach items are shorter than the items recorded in them, e.g. ${blobs.truncated[0]}`);
  }
  lines.push(`files:  ${verb} ${files.deleted} (${formatBytes(files.bytesFreed)}): logs, checkpoints and breaker states of deleted runs, abandoned temp files`);
  lines.push(`${report.dryRun ? 'would free' : 'freed'}: ${formatBytes(report.bytesFreed)}`);
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n');
}
