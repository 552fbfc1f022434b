/**
 * Errors of the tracking store. Each carries what the MLflow API needs to answer with the right
 * error code, and a message naming the thing that is wrong and what to do.
 */
import { StoreError } from '../errors.js';

export { TrackingValueError } from './values.js';

/** A param logged again with a different value (params are immutable once logged). */
export class ParamConflictError extends StoreError {
  override readonly name: string = 'ParamConflictError';
  constructor(
    readonly runId: string,
    readonly key: string,
    readonly existing: string,
    readonly attempted: string,
  ) {
    super(
      `param '${key}' of run ${runId} is already ${JSON.stringify(existing)}; it cannot change to ${JSON.stringify(attempted)} ` +
        `(params are immutable once logged: log the new value under another key, or start a new run)`,
    );
  }
}

/** What a lookup did not find. */
export type TrackingEntity = 'run' | 'experiment' | 'model' | 'model version' | 'alias';

/** A run, experiment, model, version or alias that does not exist. */
export class TrackingNotFoundError extends StoreError {
  override readonly name: string = 'TrackingNotFoundError';
  constructor(
    readonly entity: TrackingEntity,
    message: string,
  ) {
    super(message);
  }
}

/** Creating something that already exists (a model, an experiment). */
export class TrackingExistsError extends StoreError {
  override readonly name: string = 'TrackingExistsError';
}

/** A registry change refused to protect what depends on it (aliases pointing at a version, failed gates). */
export class RegistryRefusedError extends StoreError {
  override readonly name: string = 'RegistryRefusedError';
}
