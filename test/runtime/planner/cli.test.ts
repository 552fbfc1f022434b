import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { CliUsageError, type CliContext } from '../../../src/cli/format.js';
import { register as registerPlan } from '../../../src/cli/plan.js';
import { register as registerProfile } from '../../../src/cli/profile.js';
import { runFlow } from '../../../src/index.js';
import type { ForeachPlan } from '../../../src/runtime/planner/foreach-plan.js';
import type { RunProfile } from '../../../src/runtime/profile/index.js';
import { tempHome } from '../../helpers/run.js';

const FLOW = join(import.meta.dirname, 'fixtures', 'foreach-flow.ts');
const { home, cleanup } = tempHome();
after(cleanup);

/** Runs `sluice plan|profile ...` in this process; usage errors exit 2 as in main.ts. */
async function sluice(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const context: CliContext = { out: (t) => void (out += t), err: (t) => void (err += t), home: () => home };
  const program = new Command('sluice').exitOverride().configureOutput({ writeOut: context.out, writeErr: context.err });
  registerPlan(program, context);
  registerProfile(program, context);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, out, err };
  } catch (error) {
    if (error instanceof CommanderError) return { code: 2, out, err };
    if (error instanceof CliUsageError || (error as Error).name === 'FlowLoadError' || (error as Error).name === 'ParamValueError') {
      return { code: 2, out, err: `${err}sluice: ${(error as Error).message}\n` };
    }
    throw error;
  }
}

test('sluice plan dry-runs a foreach: upstream inline in a throwaway store, a few items timed, a batch size', async () => {
  const res = await sluice('plan', FLOW, '--step', 'work', '--json', '--n', '40', '--max-workers', '2');
  assert.equal(res.code, 0, res.err);
  const plan = JSON.parse(res.out) as ForeachPlan;
  assert.equal(plan.flow, 'PlanForeach');
  assert.equal(plan.items, 40);
  assert.equal(plan.measured, 5);
  assert.equal(plan.source.kind, 'dry run');
  assert.equal(plan.workers, 2);
  assert.ok(plan.itemMs > 0);
  assert.ok(plan.batch.batchSize >= 1 && plan.batch.tasks === Math.ceil(40 / plan.batch.batchSize));
  const text = await sluice('plan', FLOW, '--step', 'work', '--explain', '--sample', '3');
  assert.match(text.out, /^foreach 'work' of PlanForeach: 12 items, .* per item → batches of \d+/);
  assert.match(text.out, /measured: upstream ran inline in a throwaway store \(1 task, .*\); 3 of 12 items timed/);
});

test('sluice plan names what is wrong: not a foreach, unknown step', async () => {
  const join = await sluice('plan', FLOW, '--step', 'join');
  assert.equal(join.code, 2);
  assert.match(join.err, /step 'join' is a join, not a foreach: plan a foreach \(work\)/);
  const missing = await sluice('plan', FLOW, '--step', 'nope');
  assert.match(missing.err, /flow PlanForeach has no step 'nope' \(foreach steps: work\)/);
});

test('sluice profile after a run, and sluice plan --from that run (no code runs)', async () => {
  const result = await runFlow({ file: FLOW, home, executor: 'inline', env: {}, params: { values: { n: 6 } } });
  assert.equal(result.status, 'succeeded');
  const res = await sluice('profile', 'PlanForeach', '--json');
  assert.equal(res.code, 0, res.err);
  const profile = JSON.parse(res.out) as RunProfile;
  assert.equal(profile.runId, result.runId);
  assert.deepEqual(profile.steps.map((s) => [s.step, s.kind, s.tasks]), [['start', 'step', 1], ['work', 'foreach', 6], ['join', 'join', 1], ['end', 'step', 1]]);
  assert.equal(profile.measuredTasks, 9);
  assert.deepEqual(profile.criticalPath.segments.map((s) => s.step), ['start', 'work', 'join', 'end']);
  const text = await sluice('profile', `PlanForeach/${result.runId}`);
  assert.match(text.out, /^Profile of PlanForeach\/\w+ \(succeeded\)/);
  assert.match(text.out, /\nCritical path .*: start \(.*\) → work \(.*\) → join \(.*\) → end/);

  const fromRun = await sluice('plan', FLOW, '--step', 'work', '--from', 'PlanForeach/latest', '--json');
  assert.equal(fromRun.code, 0, fromRun.err);
  const plan = JSON.parse(fromRun.out) as ForeachPlan;
  assert.deepEqual(plan.source, { kind: 'run', pathspec: `PlanForeach/${result.runId}` });
  assert.equal(plan.items, 6);
  assert.equal(plan.measured, 6);

  const unknown = await sluice('profile', 'Nope/latest');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Nope/);
});
