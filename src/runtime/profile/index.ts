/** Run profiling from recorded task stats. Re-exports only. */
export { profileRun, type ProfileInput } from './profile.js';
export { loadRunProfile, type LoadProfileOptions } from './load.js';
export { formatProfile } from './format.js';
export { criticalPath, maxConcurrency, taskSpan } from './analyze.js';
export { predictUsage, fitLine, type UsagePoint } from './predict.js';
export type { RunProfile, StepProfile, Suggestion, ResourcePrediction, MapSummary, BatchSummary, CriticalSegment, DeclaredResources } from './types.js';
