/**
 * Sluice's public API. Re-exports only; see README.md and docs/ for examples.
 */
export * from './flow/index.js';
export { runFlow, resumeFlow, RunSetupError, type RunFlowOptions, type RunFlowResult, type ResumeFlowOptions } from './runtime/run.js';
export type { RunObserver, TaskFailureReport, RunStartedInfo, RunFinishedInfo } from './runtime/observer.js';
export { registerCodec, type Codec, CodecError } from './store/codecs.js';
export * from './track/index.js';
