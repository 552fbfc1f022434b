/**
 * `sluice metrics <run>`: a run's params and metric summary (latest value, step, min, max, count,
 * and which task logged it) with Sluice's own facts; `--history <key>` prints a metric's points,
 * `--csv` as CSV (every metric when no key is named); `--json` for machines.
 * Also the helpers the tracking commands share (compare, models).
 */
import type { Command } from 'commander';
import { FilterError } from '../store/tracking/filter.js';
import { ParamConflictError, RegistryRefusedError, TrackingExistsError, TrackingNotFoundError } from '../store/tracking/errors.js';
import { TrackingValueError } from '../store/tracking/values.js';
import { Registry } from '../track/registry.js';
import { Tracking, type RunSummary } from '../track/tracking.js';
import { CliUsageError, collect, formatDuration, formatTime, parseCount, table, type CliContext } from './format.js';

/** Errors that mean the user named something wrong: exit code 2. */
function usage(error: unknown): unknown {
  if (error instanceof TrackingNotFoundError || error instanceof TrackingValueError || error instanceof FilterError || error instanceof TrackingExistsError) {
    return new CliUsageError(error.message, { cause: error });
  }
  if (error instanceof Error && /^no Sluice store at /.test(error.message)) return new CliUsageError(error.message, { cause: error });
  return error;
}

/** Runs `fn` with a Tracking API on the context's home; lookup errors become usage errors. */
export async function withTracking<T>(context: CliContext, fn: (tracking: Tracking) => Promise<T>): Promise<T> {
  const tracking = new Tracking(context.home());
  try {
    return await fn(tracking);
  } catch (error) {
    throw usage(error);
  } finally {
    await tracking.close();
  }
}

/** Runs `fn` with a Registry on the context's home; lookup errors become usage errors (a refused change stays an error: exit 1). */
export async function withRegistry<T>(context: CliContext, fn: (registry: Registry) => Promise<T>): Promise<T> {
  const registry = new Registry(context.home());
  try {
    return await fn(registry);
  } catch (error) {
    if (error instanceof RegistryRefusedError || error instanceof ParamConflictError) throw error;
    throw usage(error);
  } finally {
    await registry.close();
  }
}

/** A number for people: NaN and ±Infinity by name, integers whole, others to 6 significant digits. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** JSON that keeps NaN and ±Infinity (as the strings 'NaN', 'Infinity', '-Infinity'). */
export function trackingJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

/** `key=value` options as a record of strings. */
export function keyValueOptions(option: string, items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`${option} expects key=value, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `key=number` options as a record of numbers (NaN, Infinity allowed). */
export function numberOptions(option: string, items: readonly string[] | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(keyValueOptions(option, items)).map(([key, text]) => {
      const value = Number(text);
      if (text.trim() === '' || (Number.isNaN(value) && text.trim() !== 'NaN')) throw new CliUsageError(`${option} ${key}=${text}: the value must be a number`);
      return [key, value];
    }),
  );
}

/** The header lines every tracking view of a run starts with. */
export function runHeader(run: RunSummary): string {
  const facts = [run.status, run.durationMs === null ? 'running' : formatDuration(run.durationMs), `user ${run.user}`, `started ${formatTime(run.createdAt)}`];
  if (run.codeDigest) facts.push(`code ${run.codeDigest.slice(0, 12)}`);
  const tags = [...run.tags, ...Object.entries(run.tagValues).filter(([k]) => !run.systemTags.some((t) => t.startsWith(`${k}:`)) && !run.tags.includes(k)).map(([k, v]) => `${k}=${v}`)];
  return `${run.pathspec} (${facts.join(', ')})${tags.length > 0 ? `\n  tags: ${tags.join(', ')}` : ''}`;
}

function summaryText(run: RunSummary): string {
  const lines = [runHeader(run), ''];
  lines.push(`params (${run.params.length})`);
  if (run.params.length > 0) {
    const rows = run.params.map((p) => [p.key, p.text.length > 60 ? `${p.text.slice(0, 59)}…` : p.text, p.source]);
    lines.push(indent(table(['param', 'value', 'source'], rows)));
  }
  lines.push('', `metrics (${run.metrics.length})`);
  if (run.metrics.length > 0) {
    const rows = run.metrics.map((m) => [m.key, formatNumber(m.value), String(m.step), formatNumber(m.min), formatNumber(m.max), String(m.count), m.pathspec ?? '-']);
    lines.push(indent(table(['metric', 'latest', 'step', 'min', 'max', 'count', 'logged by'], rows)));
  }
  return `${lines.join('\n')}\n`;
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

interface MetricsOptions {
  json?: boolean;
  csv?: boolean;
  history?: string[];
  task?: string;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('metrics')
    .description("a run's params and metrics (latest, min, max, which task), or a metric's history")
    .argument('<run>', 'run pathspec Flow/RunId (or Flow/latest)')
    .option('--history <key>', "print this metric's points (repeat for several)", collect)
    .option('--task <id>', 'with --history: only points logged by this task')
    .option('--csv', 'print histories as CSV (all metrics unless --history names some)')
    .option('--json', 'print as JSON (NaN and ±Infinity as strings)')
    .action(async (ref: string, options: MetricsOptions) => {
      const taskId = parseCount('--task', options.task);
      if (taskId !== undefined && !options.history) throw new CliUsageError('--task needs --history <key>');
      await withTracking(context, async (tracking) => {
        if (options.csv) {
          if (taskId !== undefined) throw new CliUsageError('--csv prints whole histories; drop --task');
          context.out(await tracking.historyCsv(ref, options.history));
          return;
        }
        if (options.history) {
          const histories = [];
          for (const key of options.history) histories.push({ key, points: await tracking.history(ref, key, { taskId }) });
          if (options.json) {
            context.out(`${trackingJson(histories.length === 1 ? histories[0] : histories)}\n`);
            return;
          }
          for (const { key, points } of histories) {
            const rows = points.map((p) => [String(p.step), formatNumber(p.value), formatTime(p.timestamp), p.taskId === null ? '-' : String(p.taskId)]);
            context.out(`${key} (${points.length} points)\n${indent(table(['step', 'value', 'time', 'task'], rows))}\n`);
          }
          return;
        }
        const summary = await tracking.summary(ref);
        context.out(options.json ? `${trackingJson(summary)}\n` : summaryText(summary));
      });
    });
}
