/**
 * The side-channel record kinds tracking uses between a task (which emits them) and the
 * coordinator (whose handlers turn them into metadata writes). Metric points travel in columnar
 * chunks (typed arrays copy across the process boundary in one piece), params and tags as tuples.
 */
import type { AliasChangeInput, GateSpec, ModelSignature, StoredPointer } from '../store/tracking/types.js';

export const RECORD_KINDS = {
  metrics: 'track.metrics',
  param: 'track.param',
  tag: 'track.tag',
  model: 'track.model',
  alias: 'track.alias',
} as const;

/** A chunk of metric points: point i is (keys[key[i]], values[i], steps[i], timestamps[i]). */
export interface MetricChunkData {
  readonly keys: readonly string[];
  readonly key: Int32Array;
  readonly values: Float64Array;
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
}
export type ParamRecordData = readonly [key: string, value: unknown];
export type TagRecordData = readonly [key: string, value: string];

/** A registration as a task sends it; the coordinator adds the time. */
export interface ModelRecordData {
  readonly name: string;
  readonly token: string;
  readonly createdBy: string;
  readonly source: string;
  readonly pathspec: string;
  readonly artifact: StoredPointer;
  readonly inputs: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly signature: ModelSignature | null;
  readonly example: StoredPointer | null;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly gate?: GateSpec;
  readonly promote?: { readonly alias: string; readonly requireGate?: boolean; readonly reason?: string };
}

/** An alias change as a task sends it; the coordinator adds the time. */
export type AliasRecordData = Omit<AliasChangeInput, 'time'>;
