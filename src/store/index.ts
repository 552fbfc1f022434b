/** The storage layer: interfaces, codecs, backends and the local home. Re-exports only. */
export type * from './types.js';
export * from './codecs.js';
export * from './errors.js';
export * from './ids.js';
export { FsArtifactStore, type FsArtifactStoreOptions } from './artifacts/fs.js';
export { FsLogStore } from './logs.js';
export { SqliteMetadataStore, type SqliteMetadataStoreOptions } from './metadata/sqlite.js';
export { MIGRATIONS, SCHEMA_VERSION, renderSql, type Migration, type SqlDialect } from './metadata/schema.js';
export { openBlobStore, openLogStore, openStore, resolveHome, type Store } from './home.js';
