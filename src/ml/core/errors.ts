/** Errors raised by sluice/ml. Messages name the estimator, column, row or parameter that is wrong. */
export class MLError extends Error {
  override readonly name: string = 'MLError';
}

/** Input data that cannot be used: NaN where not allowed, mismatched lengths, wrong types, empty data. */
export class DataError extends MLError {
  override readonly name = 'DataError';
}

/** `predict`/`transform` called on an estimator that was never fitted. */
export class NotFittedError extends MLError {
  override readonly name = 'NotFittedError';
  constructor(estimator: string, method = 'predict') {
    super(`${estimator}: ${method}() called before fit(); fit the estimator first`);
  }
}

/** A hyper-parameter outside its valid range. */
export class ParamError extends MLError {
  override readonly name = 'ParamError';
}
