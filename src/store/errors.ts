/**
 * Errors raised by the storage backends. Each names the thing that is wrong and what to do.
 */

/** Base class for storage failures (bad names, corrupt stores, rejected writes). */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

/** A blob that is not in the artifact store. */
export class BlobNotFoundError extends StoreError {
  override readonly name: string = 'BlobNotFoundError';
  constructor(
    /** The sha256 digest that was asked for. */
    readonly digest: string,
    where?: string,
  ) {
    super(
      `blob ${digest} is not in the artifact store${where ? ` at ${where}` : ''}; ` +
        'it was deleted (gc) or the run that wrote it used another SLUICE_HOME',
    );
  }
}

/** The metadata database was written by a schema this build does not understand. */
export class SchemaVersionError extends StoreError {
  override readonly name: string = 'SchemaVersionError';
  constructor(
    readonly found: number,
    readonly known: number,
    where: string,
  ) {
    super(`metadata store ${where} was written by a newer Sluice (schema ${found}, this build knows ${known}): upgrade sluice`);
  }
}
