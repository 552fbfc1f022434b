/**
 * Checks tracking write ops before a batch touches the database, so a bad op is named (with its
 * index, by the metadata store's planner) and nothing in the batch is written.
 */
import { StoreError } from '../errors.js';
import type { WriteOp } from '../types.js';
import { checkGateSpec } from './gate.js';
import { TRACKING_OPS, type TrackingWriteOp } from './types.js';
import { checkKey, checkMetricStep, checkMetricValue, checkRegistryName, checkTagValue, encodeParam } from './values.js';

export function isTrackingOp(op: WriteOp | { readonly op: string }): op is TrackingWriteOp {
  return TRACKING_OPS.has(op.op);
}

/** A short description for error messages. */
export function describeTrackingOp(op: TrackingWriteOp): string {
  switch (op.op) {
    case 'params':
      return `${op.params.length} param(s) of run ${op.runId}`;
    case 'metrics':
      return `${op.points.length} metric point(s) of run ${op.runId}`;
    case 'run-tags':
      return `${op.tags.length} tag(s) of run ${op.runId}`;
    case 'model-version':
      return `registration of model '${op.version.name}'`;
    case 'alias':
      return `alias '${op.change.alias}' of model '${op.change.name}'`;
  }
}

/** The run an op writes to, if any (the batch checks it exists). */
export function trackingOpRun(op: TrackingWriteOp): string | undefined {
  return op.op === 'params' || op.op === 'metrics' || op.op === 'run-tags' ? op.runId : undefined;
}

/** Throws StoreError describing the first problem in the op. */
export function checkTrackingOp(op: TrackingWriteOp): void {
  switch (op.op) {
    case 'params':
      for (const { key, value } of op.params) {
        checkKey('param', key);
        encodeParam(key, value);
      }
      return;
    case 'metrics': {
      let lastKey: string | undefined;
      for (const point of op.points) {
        if (point.key !== lastKey) {
          checkKey('metric', point.key);
          lastKey = point.key;
        }
        checkMetricValue(point.key, point.value);
        checkMetricStep(point.key, point.step);
        if (!Number.isSafeInteger(point.timestamp)) throw new StoreError(`metric '${point.key}': timestamp ${String(point.timestamp)} must be an integer (ms)`);
      }
      return;
    }
    case 'run-tags':
      for (const { key, value } of op.tags) {
        checkKey('tag', key);
        checkTagValue(key, value);
      }
      return;
    case 'model-version': {
      const v = op.version;
      checkRegistryName('model', v.name);
      if (typeof v.source !== 'string' || v.source === '') throw new StoreError(`model '${v.name}': a version needs a source (an artifact pathspec or URI)`);
      if (v.gate) checkGateSpec(v.gate);
      if (v.promote) checkRegistryName('alias', v.promote.alias);
      for (const [key, value] of Object.entries(v.metrics ?? {})) {
        checkKey('metric', key);
        checkMetricValue(key, value);
      }
      return;
    }
    case 'alias': {
      const c = op.change;
      checkRegistryName('model', c.name);
      checkRegistryName('alias', c.alias);
      if (c.version !== undefined && (!Number.isSafeInteger(c.version) || c.version < 1)) {
        throw new StoreError(`alias '${c.alias}' of model '${c.name}': version ${String(c.version)} must be a positive integer`);
      }
      return;
    }
    default:
      throw new StoreError(`unknown tracking op '${String((op as { op: unknown }).op)}'`);
  }
}
