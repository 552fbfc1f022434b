/**
 * Types for what tracking adds to a step's context: `ctx.log` and `ctx.registerModel`.
 * (The runtime reserves both names; src/track/runtime.ts provides the values.)
 */
import type { ParamSpecs } from '../flow/params.js';
import type { TaskLog } from './log.js';
import type { RegisterModelFn } from './register.js';

declare module '../flow/types.js' {
  // Merging needs the declaration's own type parameter, even unused here.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface StepContextBase<P extends ParamSpecs> {
    /** Params, metrics and tags of the run: `log.param('lr', 0.1)`, `log.metric('loss', 0.3, { step })`. */
    readonly log: TaskLog;
    /** Registers a model version with lineage: `await registerModel('churn', model, { metrics, inputExample })`. */
    readonly registerModel: RegisterModelFn;
  }
}
