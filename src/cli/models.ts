/**
 * `sluice models ls|show|versions|register|alias set|alias delete|alias history|gate|promote|delete`:
 * the model registry. References: `churn`, `models:/churn@production`, `models:/churn/3`.
 * Unknown names exit with code 2; a refused change (a failed gate, an alias pointing at the
 * version to delete) exits with code 1 and says why.
 */
import type { Command } from 'commander';
import type { GateSpec, GateVerdict, ModelVersionRecord } from '../store/tracking/types.js';
import { parseModelRef } from '../track/refs.js';
import { CliUsageError, collect, formatTime, keyValues, parseCount, table, type CliContext } from './format.js';
import { formatNumber, keyValueOptions, numberOptions, trackingJson, withRegistry } from './metrics.js';

const metricsText = (metrics: Readonly<Record<string, number>>): string =>
  Object.entries(metrics)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(', ') || '-';

const gateText = (gate: GateVerdict | null): string => (gate === null ? '-' : gate.passed ? 'passed' : 'failed');

function versionDetails(v: ModelVersionRecord): string {
  const pairs: [string, string][] = [
    ['version', String(v.version)],
    ['stage', v.stage],
    ['aliases', v.aliases.join(', ') || '-'],
    ['created', `${formatTime(v.createdAt)} by ${v.createdBy}`],
    ['source', v.source],
    ['run', v.runId ?? '-'],
    ['task', v.pathspec ?? '-'],
    ['code digest', v.codeDigest ?? '-'],
    ['model', v.artifact ? `${v.artifact.type} (${v.artifact.codec}, ${v.artifact.bytes} bytes, ${v.artifact.digest.slice(0, 12)})` : '- (registered by URI)'],
    ['metrics', metricsText(v.metrics)],
    ['signature', v.signature ? v.signature.inputs.map((c) => `${c.name}:${c.type}`).join(', ') : '-'],
    ['example', v.example ? v.example.type : '-'],
    ['inputs', Object.entries(v.inputs).map(([name, digest]) => `${name}@${digest.slice(0, 12)}`).join(', ') || '-'],
    ['gate', v.gate ? `${gateText(v.gate)}${v.gate.reasons.length > 0 ? `: ${v.gate.reasons.join('; ')}` : ''}` : '-'],
  ];
  if (v.description) pairs.push(['description', v.description]);
  if (Object.keys(v.tags).length > 0) pairs.push(['tags', Object.entries(v.tags).map(([k, t]) => `${k}=${t}`).join(', ')]);
  return `${v.name} version ${v.version}\n${keyValues(pairs)}\n`;
}

function versionsTable(versions: readonly ModelVersionRecord[]): string {
  const rows = versions.map((v) => [String(v.version), v.stage, v.aliases.join(', '), formatTime(v.createdAt), v.pathspec ?? v.source, gateText(v.gate), metricsText(v.metrics)]);
  return table(['version', 'stage', 'aliases', 'created', 'from', 'gate', 'metrics'], rows);
}

function parseVersion(text: string): number {
  const version = parseCount('version', text, { min: 1 });
  return version!;
}

/** A gate spec from CLI options. */
function gateSpec(options: GateOptions): GateSpec {
  const thresholds: Record<string, { min?: number; max?: number }> = {};
  for (const [key, min] of Object.entries(numberOptions('--min', options.min))) thresholds[key] = { ...thresholds[key], min };
  for (const [key, max] of Object.entries(numberOptions('--max', options.max))) thresholds[key] = { ...thresholds[key], max };
  let vs: GateSpec['vs'];
  if (options.vs !== undefined) {
    if (!options.metric) throw new CliUsageError('--vs needs --metric <name> (the metric to compare with the baseline)');
    const maxRegression = options.maxRegression === undefined ? undefined : Number(options.maxRegression);
    if (maxRegression !== undefined && !(maxRegression >= 0)) throw new CliUsageError(`--max-regression must be a number >= 0, got ${JSON.stringify(options.maxRegression)}`);
    vs = { alias: options.vs, metric: options.metric, maxRegression, better: options.lowerIsBetter ? 'lower' : 'higher' };
  } else if (options.metric || options.maxRegression) throw new CliUsageError('--metric and --max-regression need --vs <alias>');
  if (Object.keys(thresholds).length === 0 && !vs) throw new CliUsageError('a gate needs --min key=value, --max key=value or --vs <alias> --metric <name>');
  return { ...(Object.keys(thresholds).length > 0 ? { thresholds } : {}), ...(vs ? { vs } : {}) };
}

interface GateOptions {
  min?: string[];
  max?: string[];
  vs?: string;
  metric?: string;
  maxRegression?: string;
  lowerIsBetter?: boolean;
}

function verdictText(ref: string, verdict: GateVerdict): string {
  const lines = [`${ref}: gate ${verdict.passed ? 'PASSED' : 'FAILED'}`];
  for (const check of verdict.checks) {
    const op = check.kind === 'min' ? '>=' : check.kind === 'max' ? '<=' : verdict.spec.vs?.better === 'lower' ? '<=' : '>=';
    lines.push(`  ${check.passed ? 'ok  ' : 'FAIL'}  ${check.metric} = ${formatNumber(check.value)} ${op} ${formatNumber(check.limit)}${check.kind === 'regression' ? ` (baseline ${verdict.baseline?.alias} = version ${verdict.baseline?.version})` : ''}`);
  }
  for (const reason of verdict.reasons.filter((r) => !verdict.checks.some((c) => !c.passed && r.includes(c.metric)))) lines.push(`  note  ${reason}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, context: CliContext): void {
  const models = program.command('models').description('the model registry: versions, aliases, gates, promotion');

  models
    .command('ls')
    .description('registered models')
    .option('--filter <filter>', "e.g. \"name LIKE 'churn%'\" or \"tags.team = 'growth'\"")
    .option('--json', 'print as JSON')
    .action(async (options: { filter?: string; json?: boolean }) => {
      await withRegistry(context, async (registry) => {
        const list = await registry.models(options.filter);
        if (options.json) return context.out(`${trackingJson(list)}\n`);
        if (list.length === 0) return context.out(`no registered models in ${context.home()}\n`);
        const rows = list.map((m) => [m.name, String(m.lastVersion), Object.entries(m.aliases).map(([a, v]) => `${a}→${v}`).join(', '), formatTime(m.updatedAt), m.description]);
        context.out(`${table(['model', 'latest', 'aliases', 'updated', 'description'], rows)}\n`);
      });
    });

  models
    .command('show')
    .description('a model and its versions, or one version (models:/name/3, models:/name@alias) with its lineage and gate')
    .argument('<ref>', 'model name or reference')
    .option('--json', 'print as JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      await withRegistry(context, async (registry) => {
        const parsed = parseModelRef(ref);
        if (parsed.kind === 'latest' && !ref.includes('/latest')) {
          const model = await registry.model(parsed.name);
          const versions = await registry.versions(parsed.name);
          if (options.json) return context.out(`${trackingJson({ ...model, versions })}\n`);
          const aliases = Object.entries(model.aliases).map(([a, v]) => `${a} → ${v}`).join(', ') || 'none';
          context.out(`${model.name}${model.description ? ` — ${model.description}` : ''}\n  aliases: ${aliases}\n\n${versionsTable(versions)}\n`);
          return;
        }
        const version = await registry.get(ref);
        context.out(options.json ? `${trackingJson(version)}\n` : versionDetails(version));
      });
    });

  models
    .command('versions')
    .description("a model's versions, newest first")
    .argument('<name>', 'model name')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      await withRegistry(context, async (registry) => {
        const versions = await registry.versions(name);
        context.out(options.json ? `${trackingJson(versions)}\n` : `${versionsTable(versions)}\n`);
      });
    });

  models
    .command('register')
    .description("register a task's artifact as a new version (lineage from the task)")
    .argument('<pathspec>', 'Flow/RunId/step or Flow/RunId/step/taskId')
    .requiredOption('--artifact <name>', 'the artifact holding the model')
    .requiredOption('--name <model>', 'registered model name')
    .option('--metric <key=value>', "metric recorded with the version (repeat; default: the run's latest metrics)", collect)
    .option('--tag <key=value>', 'version tag (repeat)', collect)
    .option('--description <text>', 'version description')
    .option('--example <artifact>', "an artifact of the same task to keep as the example input")
    .option('--json', 'print the new version as JSON')
    .action(async (pathspec: string, options: { artifact: string; name: string; metric?: string[]; tag?: string[]; description?: string; example?: string; json?: boolean }) => {
      const metrics = options.metric ? numberOptions('--metric', options.metric) : undefined;
      const tags = keyValueOptions('--tag', options.tag);
      await withRegistry(context, async (registry) => {
        const version = await registry.register(pathspec, { artifact: options.artifact, name: options.name, metrics, tags, description: options.description, example: options.example });
        context.out(options.json ? `${trackingJson(version)}\n` : `registered ${version.name} version ${version.version} from ${version.pathspec}\n`);
      });
    });

  const alias = models.command('alias').description('move, delete or audit aliases');
  alias
    .command('set')
    .description('point an alias at a version (recorded in the alias history)')
    .argument('<name>', 'model name')
    .argument('<alias>', 'alias, e.g. production')
    .argument('<version>', 'version number')
    .option('--reason <text>', 'why (kept in the history)')
    .option('--require-gate', 'refuse unless the version passed its gate')
    .action(async (name: string, aliasName: string, versionText: string, options: { reason?: string; requireGate?: boolean }) => {
      const version = parseVersion(versionText);
      await withRegistry(context, async (registry) => {
        const change = await registry.setAlias(name, aliasName, version, { reason: options.reason, requireGate: options.requireGate });
        context.out(`${name}@${aliasName}: ${change.fromVersion ?? 'unset'} → ${change.toVersion}\n`);
      });
    });
  alias
    .command('delete')
    .description('remove an alias (recorded in the alias history)')
    .argument('<name>', 'model name')
    .argument('<alias>', 'alias')
    .option('--reason <text>', 'why (kept in the history)')
    .action(async (name: string, aliasName: string, options: { reason?: string }) => {
      await withRegistry(context, async (registry) => {
        const change = await registry.deleteAlias(name, aliasName, { reason: options.reason });
        context.out(`${name}@${aliasName}: removed (was version ${change.fromVersion})\n`);
      });
    });
  alias
    .command('history')
    .description('who moved an alias, when, from which version, and why')
    .argument('<name>', 'model name')
    .argument('[alias]', 'one alias (default: all)')
    .option('--json', 'print as JSON')
    .action(async (name: string, aliasName: string | undefined, options: { json?: boolean }) => {
      await withRegistry(context, async (registry) => {
        const history = await registry.aliasHistory(name, aliasName);
        if (options.json) return context.out(`${trackingJson(history)}\n`);
        if (history.length === 0) return context.out(`no alias changes for ${name}${aliasName ? `@${aliasName}` : ''}\n`);
        const rows = history.map((h) => [formatTime(h.time), h.alias, h.action, h.fromVersion === null ? '-' : String(h.fromVersion), h.toVersion === null ? '-' : String(h.toVersion), h.actor, h.reason]);
        context.out(`${table(['time', 'alias', 'action', 'from', 'to', 'by', 'reason'], rows)}\n`);
      });
    });

  models
    .command('gate')
    .description("evaluate a quality gate for a version (stored with it): absolute thresholds and/or no regression vs an alias")
    .argument('<ref>', 'version reference, e.g. models:/churn/4')
    .option('--min <metric=value>', 'minimum (repeat)', collect)
    .option('--max <metric=value>', 'maximum (repeat)', collect)
    .option('--vs <alias>', 'compare with the version this alias points at')
    .option('--metric <name>', 'with --vs: the metric to compare')
    .option('--max-regression <x>', 'with --vs: how much worse than the baseline is allowed (default 0)')
    .option('--lower-is-better', 'with --vs: lower values are better (losses, errors)')
    .option('--json', 'print the verdict as JSON')
    .action(async (ref: string, options: GateOptions & { json?: boolean }) => {
      const spec = gateSpec(options);
      await withRegistry(context, async (registry) => {
        const verdict = await registry.gate(ref, spec);
        context.out(options.json ? `${trackingJson(verdict)}\n` : verdictText(ref, verdict));
        if (!verdict.passed) process.exitCode = 1;
      });
    });

  models
    .command('promote')
    .description('move an alias to a version that passed its gate')
    .argument('<name>', 'model name')
    .argument('<version>', 'version number')
    .argument('<alias>', 'alias, e.g. production')
    .option('--reason <text>', 'why (kept in the history)')
    .option('--no-require-gate', 'promote even without a passing gate verdict')
    .action(async (name: string, versionText: string, aliasName: string, options: { reason?: string; requireGate: boolean }) => {
      const version = parseVersion(versionText);
      await withRegistry(context, async (registry) => {
        const change = await registry.promote(name, version, aliasName, { reason: options.reason, requireGate: options.requireGate });
        context.out(`promoted ${name} version ${version} to ${aliasName} (was ${change.fromVersion ?? 'unset'})\n`);
      });
    });

  models
    .command('delete')
    .description('delete a version, or a whole model (refused while an alias points at it)')
    .argument('<name>', 'model name')
    .argument('[version]', 'version number (omit to delete the model and all its versions)')
    .action(async (name: string, versionText: string | undefined, _options: unknown) => {
      await withRegistry(context, async (registry) => {
        if (versionText === undefined) {
          await registry.model(name);
          await registry.deleteModel(name);
          context.out(`deleted model ${name}\n`);
          return;
        }
        const version = parseVersion(versionText);
        await registry.get(`models:/${name}/${version}`);
        await registry.deleteVersion(name, version);
        context.out(`deleted ${name} version ${version}\n`);
      });
    });
}
