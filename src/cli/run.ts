/**
 * `sluice run <flow.ts> [options] [--param value ...]`: runs a flow on the local runtime.
 * Flow parameters become options: `--learning-rate 0.1` (or `--learningRate`), `--flag`/`--no-flag`
 * for booleans; `SLUICE_PARAM_<NAME>` works too.
 */
import type { Command } from 'commander';
import { loadFlowFile } from '../runtime/loader.js';
import { runFlow } from '../runtime/run.js';
import { flagName, type ParamSpecs } from '../flow/params.js';
import { CliUsageError, type CliContext } from './format.js';
import { createProgress, type ProgressMode } from './progress.js';

interface RunCommandOptions {
  maxWorkers?: string;
  executor?: string;
  tag?: string[];
  quiet?: boolean;
  json?: boolean;
}

/** Splits the tokens after the flow file into param values, by the flow's declared params. */
export function parseParamArgs(flowName: string, specs: ParamSpecs, tokens: readonly string[]): Record<string, string> {
  const byFlag = new Map<string, string>();
  for (const name of Object.keys(specs)) {
    byFlag.set(name, name);
    byFlag.set(flagName(name), name);
  }
  const declared = Object.keys(specs).map((n) => `--${flagName(n)}`).join(', ') || 'none';
  const out: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('--')) {
      throw new CliUsageError(`unexpected argument '${token}': flow parameters are given as --name value`);
    }
    const eq = token.indexOf('=');
    let flag = token.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined = eq < 0 ? undefined : token.slice(eq + 1);
    let negated = false;
    if (!byFlag.has(flag) && flag.startsWith('no-') && byFlag.has(flag.slice(3))) {
      flag = flag.slice(3);
      negated = true;
    }
    const name = byFlag.get(flag);
    if (!name) throw new CliUsageError(`unknown option '--${flag}' (flow ${flowName} parameters: ${declared}; see sluice run --help)`);
    const isBoolean = specs[name]!.kind === 'boolean';
    if (negated) {
      if (!isBoolean) throw new CliUsageError(`--no-${flag}: parameter '${name}' is not a boolean`);
      value = 'false';
    } else if (value === undefined) {
      const following = tokens[i + 1];
      if (isBoolean && (following === undefined || following.startsWith('--'))) value = 'true';
      else if (following === undefined) throw new CliUsageError(`option '--${flag}' needs a value (${specs[name]!.describe})`);
      else {
        value = following;
        i++;
      }
    }
    if (name in out) throw new CliUsageError(`parameter '${name}' is given twice`);
    out[name] = value;
  }
  return out;
}

function progressMode(options: RunCommandOptions): ProgressMode {
  if (options.json) return 'json';
  if (options.quiet) return 'quiet';
  return process.stdout.isTTY ? 'tty' : 'plain';
}

export function register(program: Command, context: CliContext): void {
  program
    .command('run')
    .description('run a flow on the local runtime')
    .argument('<flow>', 'flow file (.ts or .js)')
    .option('--max-workers <n>', 'worker processes in the pool (default: number of cores)')
    .option('--executor <kind>', 'pool (default) or inline (same process; breakpoints work)')
    .option('--tag <tag>', 'tag the run (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--quiet', 'print only the outcome')
    .option('--json', 'print machine-readable events, one JSON object per line')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('-h, --help', 'show help (flow parameters: sluice show <flow> lists them)')
    .action(async (file: string, options: RunCommandOptions, command: Command) => {
      const extra = command.args.slice(1);
      const loaded = await loadFlowFile(file);
      const cli = parseParamArgs(loaded.flow.name, loaded.flow.params, extra);
      let maxWorkers: number | undefined;
      if (options.maxWorkers !== undefined) {
        maxWorkers = Number(options.maxWorkers);
        if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
          throw new CliUsageError(`--max-workers must be a positive integer, got '${options.maxWorkers}'`);
        }
      }
      const executor = options.executor ?? 'pool';
      if (executor !== 'pool' && executor !== 'inline') throw new CliUsageError(`--executor must be 'pool' or 'inline', got '${executor}'`);
      const observer = createProgress(progressMode(options), context.out, context.err);
      // Ctrl-C stops the run cleanly (recorded as interrupted); a second Ctrl-C exits at once.
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        context.err('\ninterrupting: stopping running tasks (Ctrl-C again to exit now)\n');
        controller.abort('SIGINT');
      };
      process.on('SIGINT', onSigint);
      const result = await runFlow({
        file,
        home: context.home(),
        params: { cli },
        tags: options.tag ?? [],
        executor,
        maxWorkers,
        observer,
        signal: controller.signal,
      }).finally(() => process.off('SIGINT', onSigint));
      if (controller.signal.aborted) process.exitCode = 130;
      else if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
