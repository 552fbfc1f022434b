/** The read API: flows, runs, steps, tasks, artifacts and logs by pathspec. Re-exports only. */
export { Client, type ClientOptions, type Handle } from './client.js';
export { FlowHandle, type RunFilter } from './flow.js';
export { RunHandle, type RunTimings } from './run.js';
export { StepHandle } from './step.js';
export { TaskHandle, SplitFrame, type TaskTimings, type LogOptions } from './task.js';
export type { ArtifactInfo } from './artifacts.js';
export { ClientError, PathspecError, NoStoreError } from './errors.js';
export { parsePathspec, formatPathspec, LATEST, type Pathspec, type PathspecKind } from './pathspec.js';
export { userTagProblem, MAX_TAG_LENGTH } from './tags.js';
