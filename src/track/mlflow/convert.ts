/**
 * Sluice records in MLflow's JSON shapes. A flow is an experiment (its id is the flow name); a
 * run keeps its id; statuses map RUNNING/FINISHED/FAILED/KILLED ⇄ running/succeeded/failed/crashed;
 * versions are strings; non-finite doubles are 'NaN', 'Infinity', '-Infinity' as in protobuf JSON.
 */
import type { ModelRecord, ModelVersionRecord, RunTrackingData } from '../../store/tracking/types.js';
import type { RunRecord, RunStatus } from '../../store/types.js';

export const RUN_NAME_TAG = 'mlflow.runName';

const TO_MLFLOW: Readonly<Record<RunStatus, string>> = { running: 'RUNNING', succeeded: 'FINISHED', failed: 'FAILED', crashed: 'KILLED' };
const FROM_MLFLOW: Readonly<Record<string, RunStatus>> = { RUNNING: 'running', SCHEDULED: 'running', FINISHED: 'succeeded', FAILED: 'failed', KILLED: 'crashed' };

export const mlflowStatus = (status: RunStatus): string => TO_MLFLOW[status] ?? 'FAILED';
export const sluiceStatus = (status: string): RunStatus | undefined => FROM_MLFLOW[status.toUpperCase()];

/** A double as protobuf JSON writes it. */
export const double = (value: number): number | string => (Number.isFinite(value) ? value : String(value));

const entries = (record: Readonly<Record<string, string>>): { key: string; value: string }[] =>
  Object.entries(record)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));

/** Drops undefined and null fields, as protobuf JSON omits unset ones. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

export function experimentJson(flow: { name: string; createdAt: number; updatedAt?: number }, tags: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    experiment_id: flow.name,
    name: flow.name,
    artifact_location: `sluice:${flow.name}`,
    lifecycle_stage: 'active',
    creation_time: flow.createdAt,
    last_update_time: flow.updatedAt ?? flow.createdAt,
    tags: entries(tags),
  };
}

export function runInfoJson(run: RunRecord, data: RunTrackingData | undefined): Record<string, unknown> {
  return compact({
    run_id: run.runId,
    run_uuid: run.runId,
    run_name: data?.tags[RUN_NAME_TAG] ?? run.runId,
    experiment_id: run.flow,
    user_id: run.user,
    status: mlflowStatus(run.status),
    start_time: run.createdAt,
    end_time: run.endedAt ?? undefined,
    artifact_uri: `sluice:${run.flow}/${run.runId}`,
    lifecycle_stage: data?.deletedAt ? 'deleted' : 'active',
  });
}

export function runJson(run: RunRecord, data: RunTrackingData | undefined): Record<string, unknown> {
  return {
    info: runInfoJson(run, data),
    data: {
      metrics: (data?.metrics ?? []).map((m) => ({ key: m.key, value: double(m.value), timestamp: m.timestamp, step: m.step })),
      params: (data?.params ?? []).map((p) => ({ key: p.key, value: p.text })),
      tags: entries(data?.tags ?? {}),
    },
    inputs: {},
  };
}

export function versionJson(v: ModelVersionRecord): Record<string, unknown> {
  return compact({
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt,
    user_id: v.createdBy,
    current_stage: v.stage,
    description: v.description,
    source: v.source,
    run_id: v.runId ?? undefined,
    status: 'READY',
    tags: entries(v.tags),
    aliases: v.aliases,
  });
}

export function modelJson(model: ModelRecord, versions: readonly ModelVersionRecord[]): Record<string, unknown> {
  // MLflow's latest_versions: the newest version in each stage.
  const latest = new Map<string, ModelVersionRecord>();
  for (const v of versions) {
    const seen = latest.get(v.stage);
    if (!seen || v.version > seen.version) latest.set(v.stage, v);
  }
  return {
    name: model.name,
    creation_timestamp: model.createdAt,
    last_updated_timestamp: model.updatedAt,
    user_id: model.createdBy,
    description: model.description,
    latest_versions: [...latest.values()].sort((a, b) => a.version - b.version).map(versionJson),
    tags: entries(model.tags),
    aliases: Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  };
}
