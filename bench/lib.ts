/** Shared helpers for benchmarks: throwaway stores, timing, and the `name: figure (ratio)` line. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlow, type RunFlowOptions, type RunFlowResult } from '../src/index.js';
import { openStore } from '../src/store/home.js';
import type { TaskRecord } from '../src/store/types.js';

export const FLOWS = join(import.meta.dirname, 'flows');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints `name: figure unit (ratio× vs baseline)` and whether the target holds. */
export function report(name: string, figure: number, unit: string, baseline: { label: string; value: number } | undefined, target?: { ok: boolean; text: string }): boolean {
  const ratio = baseline ? ` (${(figure / baseline.value).toFixed(3)}× vs ${baseline.label} ${baseline.value.toFixed(2)} ${unit})` : '';
  const verdict = target ? `  [target ${target.text}: ${target.ok ? 'PASS' : 'FAIL'}]` : '';
  console.log(`${name}: ${figure.toFixed(2)} ${unit}${ratio}${verdict}`);
  return target ? target.ok : true;
}

/** Runs a bench flow into a fresh store and returns the result with its task records. */
export async function runBenchFlow(
  file: string,
  options: Partial<RunFlowOptions> = {},
): Promise<{ result: RunFlowResult; tasks: TaskRecord[]; wallMs: number }> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  try {
    const started = performance.now();
    const result = await runFlow({ env: {}, ...options, file: join(FLOWS, file), home });
    const wallMs = performance.now() - started;
    if (result.status !== 'succeeded') throw new Error(`${file} failed: ${JSON.stringify(result.failures[0])}`);
    const store = openStore(home);
    const tasks = await store.meta.listTasks(result.runId, { limit: 1_000_000 });
    await store.close();
    return { result, tasks, wallMs };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Mean wall time of starting a fresh Node process that does nothing (a process-per-task runtime's floor). */
export function spawnPerTaskMs(samples = 10): number {
  const started = performance.now();
  for (let i = 0; i < samples; i++) spawnSync(process.execPath, ['-e', '0']);
  return (performance.now() - started) / samples;
}
