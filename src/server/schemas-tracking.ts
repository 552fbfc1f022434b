/**
 * API shapes of the tracking data: metrics (summaries, histories), run comparison, and the model
 * registry. Non-finite numbers travel as the strings 'NaN', 'Infinity', '-Infinity'.
 */
import { z } from '@hono/zod-openapi';
import { RunSummary } from './schemas.js';

export const Num = z.union([z.number(), z.string()]).openapi('Num', { description: "A number; non-finite values are the strings 'NaN', 'Infinity', '-Infinity'" });

export const MetricSummary = z
  .object({ key: z.string(), value: Num, step: z.number(), timestamp: z.number(), taskId: z.number().nullable(), min: Num, max: Num, count: z.number() })
  .openapi('MetricSummary');

export const Param = z
  .object({ key: z.string(), text: z.string(), type: z.string(), source: z.string(), taskId: z.number().nullable(), loggedAt: z.number() })
  .openapi('Param');

export const RunMetrics = z
  .object({ metrics: z.array(MetricSummary), params: z.array(Param), tags: z.record(z.string(), z.string()) })
  .openapi('RunMetrics');

export const MetricHistory = z
  .object({
    key: z.string(),
    /** Points in step order, as columns. */
    step: z.array(z.number()),
    value: z.array(Num),
    timestamp: z.array(z.number()),
    taskId: z.array(z.number().nullable()),
    /** Points stored; more than returned when `downsampled`. */
    total: z.number(),
    /** True when the history was thinned to each bucket's first, lowest and highest points. */
    downsampled: z.boolean(),
  })
  .openapi('MetricHistory');

export const CompareRun = RunSummary.extend({
  trackedParams: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), MetricSummary),
}).openapi('CompareRun');

export const Compare = z.object({ runs: z.array(CompareRun) }).openapi('Compare');

export const Model = z
  .object({
    name: z.string(),
    description: z.string(),
    tags: z.record(z.string(), z.string()),
    createdAt: z.number(),
    updatedAt: z.number(),
    createdBy: z.string(),
    lastVersion: z.number(),
    aliases: z.record(z.string(), z.number()),
  })
  .openapi('Model');

export const ModelPage = z.object({ models: z.array(Model), nextPageToken: z.string().nullable() }).openapi('ModelPage');

export const Lineage = z
  .object({
    flow: z.string(),
    runId: z.string(),
    step: z.string().nullable(),
    taskId: z.number().nullable(),
    /** The run's status now (null when the run is gone). */
    status: z.string().nullable(),
  })
  .openapi('Lineage');

export const ModelVersion = z
  .object({
    name: z.string(),
    version: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
    createdBy: z.string(),
    description: z.string(),
    tags: z.record(z.string(), z.string()),
    source: z.string(),
    runId: z.string().nullable(),
    pathspec: z.string().nullable(),
    lineage: Lineage.nullable(),
    artifactType: z.string().nullable(),
    artifactBytes: z.number().nullable(),
    codeDigest: z.string().nullable(),
    inputs: z.record(z.string(), z.string()),
    metrics: z.record(z.string(), Num),
    signature: z.unknown(),
    gate: z.unknown(),
    aliases: z.array(z.string()),
    stage: z.string(),
  })
  .openapi('ModelVersion');

export const AliasEvent = z
  .object({
    id: z.number(),
    alias: z.string(),
    fromVersion: z.number().nullable(),
    toVersion: z.number().nullable(),
    action: z.string(),
    actor: z.string(),
    reason: z.string(),
    time: z.number(),
  })
  .openapi('AliasEvent');

export const ModelDetail = z.object({ model: Model, versions: z.array(ModelVersion), aliasHistory: z.array(AliasEvent) }).openapi('ModelDetail');

export type MetricSummaryT = z.infer<typeof MetricSummary>;
export type RunMetricsT = z.infer<typeof RunMetrics>;
export type MetricHistoryT = z.infer<typeof MetricHistory>;
export type CompareT = z.infer<typeof Compare>;
export type CompareRunT = z.infer<typeof CompareRun>;
export type ModelT = z.infer<typeof Model>;
export type ModelPageT = z.infer<typeof ModelPage>;
export type ModelVersionT = z.infer<typeof ModelVersion>;
export type ModelDetailT = z.infer<typeof ModelDetail>;
export type AliasEventT = z.infer<typeof AliasEvent>;
