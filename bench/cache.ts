/**
 * Step cache: a 20-step flow (each step ~400 ms of compute) run once, re-run with nothing changed,
 * and re-run after editing the code of step s10.
 * Targets: the unchanged re-run takes <= 10% of the first run's wall time; the edit re-runs only
 * s10 and what follows it. Baseline: the first (uncached) run, in this same command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlow } from '../src/index.js';
import { openStore } from '../src/store/home.js';
import { report } from './lib.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-cache-'));
const src = JSON.stringify(join(import.meta.dirname, '..', 'src', 'index.js'));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');

function flowSource(edit: boolean): string {
  const steps = Array.from({ length: 18 }, (_, i) => {
    const n = i + 1;
    const extra = edit && n === 10 ? ' + 0.5' : '';
    return `  .step('s${n}', ({ acc }) => ({ acc: work(400, acc)${extra} }), { cache: true })`;
  });
  return [
    `import { flow } from ${src};`,
    `function work(ms: number, seed: number): number {`,
    `  const until = performance.now() + ms;`,
    `  let acc = seed;`,
    `  while (performance.now() < until) acc = Math.sin(acc) + 1;`,
    `  return acc;`,
    `}`,
    `export default flow('Cache20')`,
    `  .step('start', () => ({ acc: work(400, 1) }), { cache: true })`,
    ...steps,
    `  .step('end', ({ acc }) => ({ final: acc }), { cache: true });`,
  ].join('\n');
}

const file = join(dir, 'flow.ts');
const home = join(dir, 'home');
async function timed(): Promise<{ ms: number; rerun: string[] }> {
  const t = performance.now();
  const result = await runFlow({ file, home, env: {}, maxWorkers: 2 });
  const ms = performance.now() - t;
  if (result.status !== 'succeeded') throw new Error(JSON.stringify(result.failures[0]));
  const store = openStore(home);
  const tasks = await store.meta.listTasks(result.runId);
  await store.close();
  return { ms, rerun: tasks.filter((task) => task.attempts?.[0]?.status !== 'cached').map((task) => task.step) };
}

writeFileSync(file, flowSource(false));
const first = await timed();
const again = await timed();
writeFileSync(file, flowSource(true));
const edited = await timed();
rmSync(dir, { recursive: true, force: true });

let ok = report('cache: first run (20 steps × 400 ms)', first.ms, 'ms', undefined);
ok = report('cache: unchanged re-run', again.ms, 'ms', { label: 'first run', value: first.ms }, { ok: again.ms <= first.ms * 0.1, text: '<= 10% of first run' }) && ok;
const expected = ['s10', 's11', 's12', 's13', 's14', 's15', 's16', 's17', 's18', 'end'];
console.log(`cache: after editing s10, re-ran: ${edited.rerun.join(', ')}`);
ok = report('cache: re-run after editing s10', edited.ms, 'ms', { label: 'first run', value: first.ms }, {
  ok: JSON.stringify(edited.rerun) === JSON.stringify(expected),
  text: 're-runs exactly s10 and downstream',
}) && ok;
process.exitCode = ok ? 0 : 1;
