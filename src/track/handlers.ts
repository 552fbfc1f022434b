/**
 * Coordinator side: turns tracking records from a task into write ops for the coordinator's
 * batched transactions. Pure functions of (task, records), so they are tested without a run.
 * Each batch of one kind becomes as few ops as possible (one metrics op per batch of points).
 */
import { checkTrackingOp } from '../store/tracking/ops.js';
import type { MetricPoint, ParamInput, TagInput, TrackingWriteOp } from '../store/tracking/types.js';
import type { WriteOp } from '../store/types.js';
import type { AliasRecordData, MetricChunkData, ModelRecordData, ParamRecordData, TagRecordData } from './records.js';
import { RECORD_KINDS } from './records.js';

/** The task a batch came from (the runtime's RecordSource). */
export interface RecordOrigin {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly taskId: number;
}

/** One side-channel record (the runtime's TaskRecordEvent). */
export interface TrackedRecord {
  readonly kind: string;
  readonly time: number;
  readonly data: unknown;
}

function checked(ops: TrackingWriteOp[]): WriteOp[] {
  // A malformed op would fail the coordinator's whole batch: refuse it here, where only this kind's records are dropped.
  for (const op of ops) checkTrackingOp(op);
  return ops;
}

export function metricOps(origin: RecordOrigin, records: readonly TrackedRecord[]): WriteOp[] {
  const points: MetricPoint[] = [];
  for (const record of records) {
    const chunk = record.data as MetricChunkData;
    const n = chunk.values.length;
    if (chunk.key.length !== n || chunk.steps.length !== n || chunk.timestamps.length !== n) {
      throw new Error(`metric chunk has columns of different lengths (${chunk.key.length}, ${n}, ${chunk.steps.length}, ${chunk.timestamps.length})`);
    }
    for (let i = 0; i < n; i++) {
      points.push({ key: chunk.keys[chunk.key[i]!]!, value: chunk.values[i]!, step: chunk.steps[i]!, timestamp: chunk.timestamps[i]! });
    }
  }
  return checked([{ op: 'metrics', runId: origin.runId, taskId: origin.taskId, points }]);
}

export function paramOps(origin: RecordOrigin, records: readonly TrackedRecord[]): WriteOp[] {
  const params: ParamInput[] = records.map((r) => {
    const [key, value] = r.data as ParamRecordData;
    return { key, value };
  });
  return checked([{ op: 'params', runId: origin.runId, taskId: origin.taskId, time: records[0]?.time ?? Date.now(), source: 'logged', params }]);
}

export function tagOps(origin: RecordOrigin, records: readonly TrackedRecord[]): WriteOp[] {
  const tags: TagInput[] = records.map((r) => {
    const [key, value] = r.data as TagRecordData;
    return { key, value };
  });
  return checked([{ op: 'run-tags', runId: origin.runId, tags }]);
}

export function modelOps(origin: RecordOrigin, records: readonly TrackedRecord[]): WriteOp[] {
  return checked(
    records.map((record) => {
      const data = record.data as ModelRecordData;
      return { op: 'model-version', version: { ...data, runId: origin.runId, createdAt: record.time } };
    }),
  );
}

export function aliasOps(_origin: RecordOrigin, records: readonly TrackedRecord[]): WriteOp[] {
  return checked(records.map((record) => ({ op: 'alias', change: { ...(record.data as AliasRecordData), time: record.time } })));
}

/** Record kind → handler, for registration with the runtime. */
export const HANDLERS: Readonly<Record<string, (origin: RecordOrigin, records: readonly TrackedRecord[]) => WriteOp[]>> = {
  [RECORD_KINDS.metrics]: metricOps,
  [RECORD_KINDS.param]: paramOps,
  [RECORD_KINDS.tag]: tagOps,
  [RECORD_KINDS.model]: modelOps,
  [RECORD_KINDS.alias]: aliasOps,
};
