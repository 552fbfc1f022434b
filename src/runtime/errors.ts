/** Errors of the runtime that users act on. */

/** A run that cannot start as asked (bad options, tags, resources or resume target); nothing was created. */
export class RunSetupError extends Error {
  override readonly name = 'RunSetupError';
}
