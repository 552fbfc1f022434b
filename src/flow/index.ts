/** The authoring API. Re-exports only. */
export { flow, isFlow, Flow, type CaughtError } from './builder.js';
export { param, ParamValueError, envName, flagName, resolveParams, type ParamSpec, type ParamSpecs, type ParamValues, type ParamKind } from './params.js';
export { analyzeFlow, FlowValidationError, type FlowGraph, type StepNode, type SplitInfo, type Transition } from './graph.js';
export type * from './types.js';
