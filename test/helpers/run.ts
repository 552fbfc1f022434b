/** Test helpers: run a fixture flow into a throwaway store and read back what it recorded. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runFlow, type RunFlowOptions, type RunFlowResult } from '../../src/index.js';
import { openStore, type Store } from '../../src/store/home.js';
import type { TaskRecord } from '../../src/store/types.js';
import { loadValue } from '../../src/store/values.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'flows');

export function tempHome(prefix = 'sluice-test-'): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export interface RecordedRun {
  readonly result: RunFlowResult;
  readonly tasks: TaskRecord[];
  /** Tasks of one step, in task id order. */
  step(name: string): TaskRecord[];
  /** The value of an artifact a task produced itself. */
  artifact(task: TaskRecord, name: string): Promise<unknown>;
  /** One artifact of every task of a step, in task id order. */
  values(step: string, name: string): Promise<unknown[]>;
  /** Steps in the order their first task started. */
  stepOrder(): string[];
  store: Store;
  close(): Promise<void>;
}

export async function runFixture(
  fixture: string,
  options: Partial<RunFlowOptions> & { home?: string } = {},
): Promise<RecordedRun> {
  const home = options.home ?? tempHome().home;
  const result = await runFlow({ maxWorkers: 2, env: {}, ...options, file: resolve(FIXTURES, fixture), home });
  const store = openStore(home);
  const tasks = await store.meta.listTasks(result.runId, { limit: 1_000_000 });
  const artifact = async (task: TaskRecord, name: string): Promise<unknown> => {
    const records = await store.meta.listArtifacts(result.runId, task.taskId);
    const found = records.find((a) => a.name === name);
    if (!found) throw new Error(`task ${task.step}/${task.taskId} has no artifact '${name}' (has: ${records.map((a) => a.name).join(', ')})`);
    return loadValue(store.blobs, found);
  };
  const step = (name: string) => tasks.filter((t) => t.step === name);
  return {
    result,
    tasks,
    step,
    artifact,
    values: (name, artifactName) => Promise.all(step(name).map((t) => artifact(t, artifactName))),
    stepOrder: () =>
      [...tasks]
        .filter((t) => t.startedAt !== null)
        .sort((a, b) => a.startedAt! - b.startedAt! || a.taskId - b.taskId)
        .map((t) => t.step)
        .filter((s, i, all) => all.indexOf(s) === i),
    store,
    close: () => store.close(),
  };
}
