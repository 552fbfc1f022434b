/**
 * `sluice resume [Flow/RunId | Flow] [--from STEP] [--only-failed] [run options] [--param value ...]`:
 * starts a new run that clones the origin's finished, unchanged tasks and re-runs the rest.
 */
import type { Command } from 'commander';
import { loadFlowFile } from '../runtime/loader.js';
import { resumeFlow } from '../runtime/run.js';
import { openStore } from '../store/home.js';
import { CliUsageError, type CliContext } from './format.js';
import { createProgress } from './progress.js';
import { addRunOptions, parseParamArgs, progressMode, runSettings, withInterrupt, type RunCommandOptions } from './run.js';

interface ResumeOptions extends RunCommandOptions {
  origin?: string;
  from?: string;
  onlyFailed?: boolean;
  file?: string;
}

export function register(program: Command, context: CliContext): void {
  addRunOptions(
    program
      .command('resume')
      .description("resume a failed or crashed run: clone what finished unchanged, re-run the rest (new params allowed)")
      .argument('[target]', 'Flow/RunId to resume, or a flow name (its latest failed or crashed run)'),
  )
    .option('--origin <run>', 'the run to resume (Flow/RunId), same as the argument')
    .option('--from <step>', 're-run this step and everything after it, cloning the rest (works on successful runs)')
    .option('--only-failed', "re-run only the failed tasks (e.g. a foreach's dead letters) and what depends on them")
    .option('--file <flow.ts>', 'flow file to use (default: the file the origin ran)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (target: string | undefined, options: ResumeOptions, command: Command) => {
      const spec = options.origin ?? target;
      if (!spec) throw new CliUsageError('resume: name the run to resume: sluice resume Flow/RunId (or a flow name for its latest failed run)');
      const extra = command.args.slice(target === undefined ? 0 : 1);
      const byRun = spec.includes('/');
      const store = openStore(context.home());
      let file = options.file;
      let flowName = byRun ? spec.split('/')[0]! : spec;
      try {
        if (byRun) {
          const run = await store.meta.getRun(spec.split('/')[1]!);
          if (!run || run.flow !== flowName) throw new CliUsageError(`resume: no run ${spec} in ${store.home}`);
          file ??= run.flowFile;
          if (options.onlyFailed && (await store.meta.listTasks(run.runId)).every((t) => t.status !== 'failed')) {
            throw new CliUsageError(`resume --only-failed: run ${spec} has no failed tasks`);
          }
        } else {
          const latest = (await store.meta.listRuns({ flow: spec, limit: 1 }))[0];
          if (!latest) throw new CliUsageError(`resume: flow ${spec} has no runs in ${store.home}`);
          file ??= latest.flowFile;
          flowName = latest.flow;
        }
      } finally {
        await store.close();
      }
      const loaded = await loadFlowFile(file);
      const cli = parseParamArgs(loaded.flow.name, loaded.flow.params, extra);
      const settings = runSettings(options);
      const observer = createProgress(progressMode(options), context.out, context.err);
      await withInterrupt(context, (signal) =>
        resumeFlow({
          ...settings,
          home: context.home(),
          file,
          flow: flowName,
          origin: byRun ? spec : undefined,
          from: options.from,
          params: { cli },
          observer,
          signal,
        }),
      );
    });
}
