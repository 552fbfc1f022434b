/**
 * How many cores one map may use. Parallel work inside parallel work oversubscribes the machine:
 * a map inside a map worker runs serially, and a map inside a pool worker (one of several running
 * tasks side by side) gets its share of the cores. Outside a pool, the cores other processes keep
 * busy are measured (see load.ts) and passed on: the model then expects our threads to get a fair
 * share of the cores rather than whole ones.
 *
 * Environment (set by the runtime, readable by anyone):
 *   SLUICE_POOL_WORKERS  number of pool worker processes running tasks side by side on this machine
 *                        (set in every pool worker's environment); a map gets usable cores / this.
 *   SLUICE_CPU_BUDGET    cores this process's maps may use (overrides the share above; e.g. a task
 *                        that declared `resources: { cpu: 2 }`, or a user capping maps to 1).
 */
import { isMapWorker } from './parallel.js';
import { usableCores, type CoreInfo } from './cgroup.js';
import { busyElsewhere } from './load.js';

export const POOL_WORKERS_ENV = 'SLUICE_POOL_WORKERS';
export const CPU_BUDGET_ENV = 'SLUICE_CPU_BUDGET';

export interface CoreBudget extends CoreInfo {
  /** Cores this map may use (fractional allowed, at least 1). */
  readonly cores: number;
  /** Cores other processes keep busy (0 when unknown, or already accounted for by a pool share). */
  readonly otherBusy: number;
  /** Why the budget is what it is (for explanations). */
  readonly reason: string;
}

function positive(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function coreBudget(
  env: Readonly<Record<string, string | undefined>> = process.env,
  info: CoreInfo = usableCores(),
  load: { readonly cores: number; readonly windowMs: number } | undefined = busyElsewhere(),
): CoreBudget {
  const machine = `${info.usable} usable core${info.usable === 1 ? '' : 's'}${info.cgroup !== undefined ? ` (cgroup quota ${info.cgroup})` : ''}`;
  if (isMapWorker()) {
    return { ...info, cores: 1, otherBusy: 0, reason: `inside a map worker: the outer map already uses the ${machine}` };
  }
  const pool = positive(env[POOL_WORKERS_ENV]);
  const budget = positive(env[CPU_BUDGET_ENV]);
  if (budget === undefined && pool !== undefined && pool > 1) {
    // Sibling pool workers show up as "other" load: the share already accounts for them.
    return { ...info, cores: Math.max(1, info.usable / pool), otherBusy: 0, reason: `this task runs in one of ${pool} pool workers sharing ${machine}` };
  }
  const busy = load && load.cores >= 0.25 ? load : undefined;
  const otherBusy = busy ? Math.min(busy.cores, info.usable * 4) : 0;
  const loadNote = busy
    ? `; ${busy.cores.toFixed(1)} busy with other work (measured over ${(busy.windowMs / 1000).toFixed(1)} s): our threads get a fair share, not whole cores`
    : '';
  if (budget !== undefined) {
    return { ...info, cores: Math.max(1, Math.min(info.usable, budget)), otherBusy, reason: `${CPU_BUDGET_ENV}=${env[CPU_BUDGET_ENV]} of ${machine}${loadNote}` };
  }
  return { ...info, cores: info.usable, otherBusy, reason: `${machine}${loadNote}` };
}
