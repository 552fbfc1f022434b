/**
 * `sluice runs [flow] [--tag t ...] [--status s] [--limit n] [--json]`: runs, newest first.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { markCrashedRuns } from '../runtime/crash.js';
import { openStore } from '../store/home.js';
import { NoStoreError } from '../client/errors.js';
import type { RunHandle } from '../client/run.js';
import type { RunStatus } from '../store/types.js';
import { CliUsageError, collect, formatDuration, formatTime, parseCount, table, toJson, withClient, type CliContext } from './format.js';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'crashed'];
const DEFAULT_LIMIT = 20;

interface RunsOptions {
  tag?: string[];
  status?: string;
  limit?: string;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('runs')
    .description('list runs, newest first')
    .argument('[flow]', 'only runs of this flow')
    .option('--tag <tag>', 'only runs carrying this tag (repeat: all must match)', collect)
    .option('--status <status>', `only runs with this status: ${STATUSES.join(', ')}`)
    .option('--limit <n>', `at most n runs (default ${DEFAULT_LIMIT}; 0 for all)`)
    .option('--json', 'print the runs as JSON')
    .action(async (flow: string | undefined, options: RunsOptions) => {
      if (options.status !== undefined && !(STATUSES as readonly string[]).includes(options.status)) {
        throw new CliUsageError(`--status must be one of ${STATUSES.join(', ')}, got '${options.status}'`);
      }
      const limit = parseCount('--limit', options.limit) ?? DEFAULT_LIMIT;
      await markCrashed(context.home());
      const filter = {
        flow,
        tags: options.tag,
        status: options.status as RunStatus | undefined,
        // One more than shown tells whether the list was cut.
        limit: limit === 0 ? undefined : limit + 1,
      };
      let runs: RunHandle[];
      try {
        runs = await withClient(context, (client) => client.runs(filter));
      } catch (error) {
        // An unused home is not an error here: it simply has no runs.
        if (!(error instanceof CliUsageError && error.cause instanceof NoStoreError && flow === undefined)) throw error;
        runs = [];
      }
      const cut = limit !== 0 && runs.length > limit;
      const shown = cut ? runs.slice(0, limit) : runs;
      if (options.json) {
        context.out(`${toJson(shown)}\n`);
        return;
      }
      if (shown.length === 0) {
        context.out(`no runs${describeFilter(flow, options)} in ${context.home()}\n`);
        return;
      }
      const rows = shown.map((run) => [
        run.pathspec,
        run.status,
        formatTime(run.timings.createdAt),
        run.finished ? formatDuration(run.timings.durationMs) : `${formatDuration(Date.now() - run.timings.createdAt)}…`,
        run.user,
        run.tags.join(', '),
      ]);
      context.out(`${table(['run', 'status', 'started', 'duration', 'user', 'tags'], rows)}\n`);
      if (cut) context.err(`(showing the newest ${limit}; use --limit n for more, --limit 0 for all)\n`);
    });
}

function describeFilter(flow: string | undefined, options: RunsOptions): string {
  const parts: string[] = [];
  if (flow) parts.push(`of flow ${flow}`);
  if (options.status) parts.push(`with status ${options.status}`);
  if (options.tag?.length) parts.push(`tagged ${options.tag.join(' and ')}`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** Runs whose coordinator died show as crashed, not running (only when a store exists). */
async function markCrashed(home: string): Promise<void> {
  if (!existsSync(join(home, 'meta.db'))) return;
  const store = openStore(home);
  try {
    await markCrashedRuns(store.meta);
  } finally {
    await store.close();
  }
}
