/**
 * MLflow's error wire format: `{ "error_code": "...", "message": "..." }` with the HTTP status
 * MLflow uses for each code (RESOURCE_DOES_NOT_EXIST 404; RESOURCE_ALREADY_EXISTS and
 * INVALID_PARAMETER_VALUE 400; ENDPOINT_NOT_FOUND 404; INTERNAL_ERROR 500).
 */
import { StoreError } from '../../store/errors.js';
import { ParamConflictError, RegistryRefusedError, TrackingExistsError, TrackingNotFoundError } from '../../store/tracking/errors.js';
import { FilterError } from '../../store/tracking/filter.js';
import { TrackingValueError } from '../../store/tracking/values.js';

export type MlflowErrorCode = 'RESOURCE_DOES_NOT_EXIST' | 'RESOURCE_ALREADY_EXISTS' | 'INVALID_PARAMETER_VALUE' | 'BAD_REQUEST' | 'ENDPOINT_NOT_FOUND' | 'INTERNAL_ERROR';

export const HTTP_STATUS: Readonly<Record<MlflowErrorCode, 400 | 404 | 500>> = {
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  ENDPOINT_NOT_FOUND: 404,
  INTERNAL_ERROR: 500,
};

/** An error to answer with a given MLflow code. */
export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  constructor(
    readonly code: MlflowErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The MLflow code for an error raised anywhere below the API. */
export function toMlflowError(error: unknown): MlflowError {
  if (error instanceof MlflowError) return error;
  if (error instanceof TrackingNotFoundError) {
    // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, everything else missing with RESOURCE_DOES_NOT_EXIST.
    return new MlflowError(error.entity === 'alias' ? 'INVALID_PARAMETER_VALUE' : 'RESOURCE_DOES_NOT_EXIST', error.message);
  }
  if (error instanceof TrackingExistsError) return new MlflowError('RESOURCE_ALREADY_EXISTS', error.message);
  if (error instanceof ParamConflictError || error instanceof TrackingValueError || error instanceof FilterError || error instanceof RegistryRefusedError) {
    return new MlflowError('INVALID_PARAMETER_VALUE', error.message);
  }
  if (error instanceof StoreError && /does not exist/.test(error.message)) return new MlflowError('RESOURCE_DOES_NOT_EXIST', error.message);
  return new MlflowError('INTERNAL_ERROR', `internal error: ${(error as Error)?.message ?? String(error)}`);
}
