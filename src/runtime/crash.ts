/**
 * Finds runs whose coordinator died (kill -9, a crash, a lost machine) and marks them crashed,
 * so nothing shows as "running" forever. A coordinator on this host is dead when its process is
 * gone; elsewhere, when its heartbeat (written every 5 s) is older than a minute.
 */
import { hostname } from 'node:os';
import type { MetadataStore, RunRecord } from '../store/types.js';

const STALE_HEARTBEAT_MS = 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the run's coordinator is gone. */
export function coordinatorDead(run: RunRecord, now = Date.now()): boolean {
  if (run.status !== 'running') return false;
  // Runs created through the MLflow API have no coordinator; their client decides when they end.
  if (run.systemTags.includes('runtime:mlflow')) return false;
  if (run.coordinator.pid === process.pid && run.coordinator.host === hostname()) return false;
  if (run.coordinator.host === hostname()) return !processAlive(run.coordinator.pid) || now - run.coordinator.heartbeatAt > STALE_HEARTBEAT_MS * 5;
  return now - run.coordinator.heartbeatAt > STALE_HEARTBEAT_MS;
}

/** Marks every running run with a dead coordinator as crashed; returns their ids. */
export async function markCrashedRuns(meta: MetadataStore, flow?: string): Promise<string[]> {
  const running = await meta.listRuns({ status: 'running', ...(flow ? { flow } : {}) });
  const dead = running.filter((run) => coordinatorDead(run));
  if (dead.length === 0) return [];
  const now = Date.now();
  await meta.write(
    dead.flatMap((run) => [
      { op: 'run' as const, runId: run.runId, patch: { status: 'crashed' as const, endedAt: now, error: `the coordinator (pid ${run.coordinator.pid} on ${run.coordinator.host}) stopped without finishing the run; resume it with: sluice resume ${run.flow}/${run.runId}` } },
      { op: 'event' as const, runId: run.runId, time: now, kind: 'run-crashed', payload: { pid: run.coordinator.pid, host: run.coordinator.host } },
    ]),
  );
  return dead.map((run) => run.runId);
}
