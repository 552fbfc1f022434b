/**
 * The overhead-aware parallel planner. Re-exports only.
 *
 * `parallel()` names a function so map workers can find it; `map()` / `ctx.map()` dry-run a few
 * items, choose workers and chunk size (or serial) from measured costs, and explain the choice;
 * `planBatch()` sizes foreach batches for the scheduler.
 */
export { parallel, isParallelFn, isMapWorker, ParallelDefinitionError, type ParallelFn, type ParallelOptions } from './parallel.js';
export { map, planMap, mapWith, MapPlan, MapSerialisationError, defaultHome } from './map.js';
export { MapItemError, MapAbortedError } from './execute.js';
export { explainPlan, summaryLine } from './explain.js';
export { formatBar, progressBar, type MapProgress, type ProgressCallback } from './progress.js';
export { coreBudget, POOL_WORKERS_ENV, CPU_BUDGET_ENV, type CoreBudget } from './budget.js';
export { usableCores, freeMemory, parseCpuMax, parseCfs, parseMemoryLimit } from './cgroup.js';
export { cachedFacts, measureMachine, DEFAULT_FACTS, type MachineFacts } from './machine.js';
export { choose, estimate, MIN_GAIN, type WorkloadStats, type Capacity, type Estimate, type Alternative, type Choice } from './model.js';
export { mapPool } from './pool.js';
export type { MapOptions, MapPlanData, PlanSample, PlanMachine, PlanRealised } from './types.js';
export { planBatch, measureBytes, stepCostFromStats, DEFAULT_TASK_OVERHEAD_MS, MAX_TASK_MS, type BatchInput, type BatchPlan, type BatchEstimate } from './batch.js';
// Type-only: importing context.ts registers ctx.map with the runtime (run.ts and pool workers do that).
export type { ContextMap, MapRecord } from './context.js';
export { MAP_RECORD } from './types.js';
