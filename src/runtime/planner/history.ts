/**
 * What past map calls taught the planner, kept in `<home>/planner/history.json`: how long each
 * module takes to import in a fresh worker (the part of start-up that depends on user code), and
 * per parallel function its last measured cost per item and realised speedup.
 */
import { join } from 'node:path';
import { readJson, writeJson } from './files.js';
import { moduleKey } from './parallel.js';

export interface ModuleHistory {
  /** Import time in a fresh worker (ms), smoothed over the imports seen. */
  readonly importMs: number;
  readonly at: number;
}

export interface FunctionHistory {
  readonly itemMs: number;
  readonly cv: number;
  readonly items: number;
  readonly estimatedSpeedup: number;
  readonly realisedSpeedup: number;
  readonly workers: number;
  readonly chunkSize: number;
  readonly at: number;
}

export interface PlannerHistory {
  readonly version: 1;
  readonly modules: Record<string, ModuleHistory>;
  readonly functions: Record<string, FunctionHistory>;
}

const memo = new Map<string, PlannerHistory>();

function file(home: string): string {
  return join(home, 'planner', 'history.json');
}

export function loadHistory(home: string): PlannerHistory {
  const cached = memo.get(home);
  if (cached) return cached;
  const stored = readJson<PlannerHistory>(file(home));
  const history: PlannerHistory = stored?.version === 1 ? stored : { version: 1, modules: {}, functions: {} };
  memo.set(home, history);
  return history;
}

/** Known import time of a module in a fresh worker, if it was measured before. */
export function moduleImportMs(home: string, module: string): number | undefined {
  return loadHistory(home).modules[moduleKey(module)]?.importMs;
}

/** Records what one map call measured and realised (one small file write). */
export function recordHistory(
  home: string,
  update: { readonly module?: { readonly url: string; readonly importMs: number }; readonly fn?: { readonly name: string } & Omit<FunctionHistory, 'at'> },
): void {
  const history = loadHistory(home);
  const modules = { ...history.modules };
  const functions = { ...history.functions };
  if (update.module) {
    const key = moduleKey(update.module.url);
    const before = modules[key]?.importMs;
    // Smooth: one slow import on a busy machine should not double the estimate for good.
    const importMs = before === undefined ? update.module.importMs : 0.5 * before + 0.5 * update.module.importMs;
    modules[key] = { importMs, at: Date.now() };
  }
  if (update.fn) {
    const { name, ...rest } = update.fn;
    functions[name] = { ...rest, at: Date.now() };
  }
  const next: PlannerHistory = { version: 1, modules, functions };
  memo.set(home, next);
  writeJson(file(home), next);
}

export function clearHistoryMemo(): void {
  memo.clear();
}
