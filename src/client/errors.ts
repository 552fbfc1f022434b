/**
 * Errors of the read API. Each names what was asked for, what is wrong, and what exists instead.
 */

/** A lookup or request the client cannot satisfy (unknown flow, run, step, task or artifact). */
export class ClientError extends Error {
  override readonly name: string = 'ClientError';
}

/** A pathspec that is malformed, or names something that does not exist. */
export class PathspecError extends ClientError {
  override readonly name: string = 'PathspecError';
  constructor(
    /** The pathspec as given. */
    readonly pathspec: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Sluice home holds no metadata store yet (nothing has run with it). */
export class NoStoreError extends ClientError {
  override readonly name: string = 'NoStoreError';
  constructor(readonly home: string) {
    super(
      `no Sluice store at ${home} (no meta.db: nothing has run with this home yet); run a flow first, or set SLUICE_HOME to the home that holds your runs`,
    );
  }
}
