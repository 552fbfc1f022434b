/** Tracking and the model registry: logging from steps, run search, registry, gates, loading models. Re-exports only. */
import './context.js';
export { Tracking, type RunSummary, type MetricSummaryEntry, type Comparison } from './tracking.js';
export { Registry, loadModel, gate, promote, currentActor, type RegistryOptions, type RegisterFromTaskOptions } from './registry.js';
export { parseModelRef, formatModelRef, type ModelRef } from './refs.js';
export { inferSignature } from './signature.js';
export { TaskLog, type MetricOptions } from './log.js';
export { Pending, type RegisterModelFn, type RegisterModelOptions, type RegisteredVersion } from './register.js';
export { evaluateGate, checkGateSpec } from '../store/tracking/gate.js';
export { FilterError, parseFilter } from '../store/tracking/filter.js';
export { ParamConflictError, RegistryRefusedError, TrackingExistsError, TrackingNotFoundError } from '../store/tracking/errors.js';
export { TrackingValueError } from '../store/tracking/values.js';
export type * from '../store/tracking/types.js';
