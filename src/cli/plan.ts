/**
 * `sluice plan <flow.ts> --step STEP [--explain] [--json] [--from RUN] [--sample n] [--max-workers n] [--param value ...]`:
 * plans a foreach step without running the flow. By default the upstream steps run inline in a
 * throwaway store and a few items of the step are timed; `--from Flow/RunId` plans from that
 * run's recorded task stats instead (no code runs).
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { analyzeFlow } from '../flow/graph.js';
import { resolveParams } from '../flow/params.js';
import { LATEST } from '../client/pathspec.js';
import { loadFlowFile } from '../runtime/loader.js';
import { checkForeachStep, describeForeachPlan, ForeachPlanError, planForeachByDryRun, planForeachFromRun, type ForeachPlan } from '../runtime/planner/foreach-plan.js';
import { openStore } from '../store/home.js';
import { CliUsageError, oneLine, parseCount, toJson, withClient, type CliContext } from './format.js';
import { parseParamArgs } from './run.js';

interface PlanOptions {
  step?: string;
  explain?: boolean;
  json?: boolean;
  from?: string;
  sample?: string;
  maxWorkers?: string;
  overhead?: string;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('plan')
    .description('plan a foreach step (batch size, estimated time) without running the flow')
    .argument('<flow>', 'flow file (.ts or .js)')
    .requiredOption('--step <step>', 'the foreach step to plan')
    .option('--explain', 'print the measurements, the reasoning and the rejected alternatives')
    .option('--json', 'print the plan as JSON')
    .option('--from <run>', "plan from a previous run's recorded stats (Flow/RunId, Flow/latest) instead of a dry run")
    .option('--sample <n>', 'items of the step to time in the dry run (default 5)')
    .option('--max-workers <n>', 'pool workers the foreach will run on (default: number of cores)')
    .option('--overhead <ms>', 'per-task overhead of the pool in ms (default 3)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (file: string, options: PlanOptions, command: Command) => {
      const sample = parseCount('--sample', options.sample, { min: 1 });
      const workers = parseCount('--max-workers', options.maxWorkers, { min: 1 }) ?? availableParallelism();
      const overhead = options.overhead === undefined ? undefined : Number(options.overhead);
      if (overhead !== undefined && !(overhead >= 0)) throw new CliUsageError(`--overhead must be a number of milliseconds >= 0, got '${options.overhead}'`);
      const step = options.step!;
      const loaded = await loadFlowFile(file);
      const graph = analyzeFlow(loaded.flow);
      let plan: ForeachPlan;
      try {
        checkForeachStep(graph, step);
        if (options.from !== undefined) {
          const pathspec = options.from.includes('/') ? options.from : `${options.from}/${LATEST}`;
          const record = await withClient(context, async (client) => (await client.run(pathspec)).record);
          if (record.flow !== loaded.flow.name) throw new CliUsageError(`--from ${options.from} is a run of flow ${record.flow}, not ${loaded.flow.name}`);
          const store = openStore(context.home(), { readonly: true });
          try {
            const tasks = await store.meta.listTasks(record.runId, { step, limit: 1_000_000 });
            plan = planForeachFromRun({ flow: record.flow, step, pathspec: `${record.flow}/${record.runId}`, tasks, workers, taskOverheadMs: overhead });
          } finally {
            await store.close();
          }
        } else {
          const cli = parseParamArgs(loaded.flow.name, loaded.flow.params, command.args.slice(1));
          const params = await resolveParams(loaded.flow.name, loaded.flow.params, { cli, env: process.env });
          plan = await planForeachByDryRun({ flow: loaded.flow, graph, flowFile: loaded.file, params, step, sample, workers, taskOverheadMs: overhead });
        }
      } catch (error) {
        if (error instanceof ForeachPlanError) throw new CliUsageError(oneLine(error.message));
        throw error;
      }
      context.out(`${options.json ? toJson(plan) : describeForeachPlan(plan, options.explain === true)}\n`);
    });
}
