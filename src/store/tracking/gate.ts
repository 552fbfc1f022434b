/**
 * Quality gates as a pure function: a candidate's metrics against absolute thresholds and against
 * the version an alias points at. Lives in the store layer so a registration and its gate verdict
 * are committed in one transaction (the baseline cannot move in between).
 *
 * Rules: a missing or NaN metric fails its check. With no baseline (the alias is unset: the
 * first model), the comparison is skipped and the candidate passes on its thresholds alone, as
 * in TFX. A baseline without the compared metric is noted and the comparison skipped.
 */
import { TrackingValueError } from './values.js';
import type { GateCheck, GateSpec, GateVerdict } from './types.js';

/** Throws naming the offending part when a gate spec is malformed. */
export function checkGateSpec(spec: GateSpec): void {
  if (spec === null || typeof spec !== 'object') throw new TrackingValueError(`gate must be an object like { thresholds: { auc: { min: 0.8 } } }`);
  const thresholds = spec.thresholds ?? {};
  for (const [metric, bound] of Object.entries(thresholds)) {
    if (bound === null || typeof bound !== 'object') throw new TrackingValueError(`gate threshold for '${metric}' must be { min?, max? }`);
    for (const side of ['min', 'max'] as const) {
      const value = bound[side];
      if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) {
        throw new TrackingValueError(`gate threshold ${metric}.${side} must be a number, got ${JSON.stringify(value)}`);
      }
    }
    if (bound.min === undefined && bound.max === undefined) throw new TrackingValueError(`gate threshold for '${metric}' sets neither min nor max`);
  }
  if (spec.vs !== undefined) {
    const { alias, metric, maxRegression, better } = spec.vs;
    if (typeof alias !== 'string' || alias === '') throw new TrackingValueError(`gate vs.alias must name an alias, e.g. 'production'`);
    if (typeof metric !== 'string' || metric === '') throw new TrackingValueError(`gate vs.metric must name the metric to compare, e.g. 'auc'`);
    if (maxRegression !== undefined && (typeof maxRegression !== 'number' || !(maxRegression >= 0))) {
      throw new TrackingValueError(`gate vs.maxRegression must be a number >= 0, got ${JSON.stringify(maxRegression)}`);
    }
    if (better !== undefined && better !== 'higher' && better !== 'lower') {
      throw new TrackingValueError(`gate vs.better must be 'higher' or 'lower', got ${JSON.stringify(better)}`);
    }
  }
  if (Object.keys(thresholds).length === 0 && spec.vs === undefined) throw new TrackingValueError('gate checks nothing: give thresholds, vs, or both');
}

const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6))));

/** Evaluates a gate. `baseline` is the alias's version (null when the alias is unset). */
export function evaluateGate(
  spec: GateSpec,
  candidate: { readonly version?: number; readonly metrics: Readonly<Record<string, number>> },
  baseline: { readonly version: number; readonly metrics: Readonly<Record<string, number>> } | null,
  time: number,
): GateVerdict {
  checkGateSpec(spec);
  const checks: GateCheck[] = [];
  const reasons: string[] = [];
  const valueOf = (metric: string): number => {
    const value = candidate.metrics[metric];
    return typeof value === 'number' ? value : NaN;
  };
  for (const [metric, bound] of Object.entries(spec.thresholds ?? {})) {
    const value = valueOf(metric);
    const missing = !(metric in candidate.metrics);
    for (const side of ['min', 'max'] as const) {
      const limit = bound[side];
      if (limit === undefined) continue;
      const passed = !Number.isNaN(value) && (side === 'min' ? value >= limit : value <= limit);
      checks.push({ metric, kind: side, limit, value, passed });
      if (!passed) {
        reasons.push(
          missing
            ? `metric '${metric}' is missing from the candidate (threshold ${side} ${fmt(limit)})`
            : `${metric} = ${fmt(value)} is ${side === 'min' ? 'below the minimum' : 'above the maximum'} ${fmt(limit)}`,
        );
      }
    }
  }
  let baselineInfo: GateVerdict['baseline'] = null;
  if (spec.vs) {
    const { alias, metric } = spec.vs;
    const maxRegression = spec.vs.maxRegression ?? 0;
    const higher = (spec.vs.better ?? 'higher') === 'higher';
    if (!baseline) {
      reasons.push(`no baseline: alias '${alias}' is not set, so only the thresholds apply`);
    } else if (!(metric in baseline.metrics) || Number.isNaN(baseline.metrics[metric])) {
      reasons.push(`baseline version ${baseline.version} (alias '${alias}') has no '${metric}' metric; comparison skipped`);
    } else {
      const base = baseline.metrics[metric]!;
      baselineInfo = { alias, version: baseline.version, value: base };
      const limit = higher ? base - maxRegression : base + maxRegression;
      const value = valueOf(metric);
      const passed = !Number.isNaN(value) && (higher ? value >= limit : value <= limit);
      checks.push({ metric, kind: 'regression', limit, value, passed });
      if (!passed) {
        reasons.push(
          !(metric in candidate.metrics)
            ? `metric '${metric}' is missing from the candidate (needed to compare with version ${baseline.version} of alias '${alias}')`
            : `${metric} = ${fmt(value)} regresses from ${fmt(base)} (version ${baseline.version}, alias '${alias}') by more than ${fmt(maxRegression)}`,
        );
      }
    }
  }
  const passed = checks.every((c) => c.passed);
  return { passed, reasons, checks, baseline: baselineInfo, spec, evaluatedAt: time };
}
