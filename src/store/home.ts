/**
 * The local Sluice home: `SLUICE_HOME` or `./.sluice`, holding `meta.db`, `cas/` and `logs/`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FsArtifactStore } from './artifacts/fs.js';
import { FsLogStore } from './logs.js';
import { SqliteMetadataStore, type SqliteMetadataStoreOptions } from './metadata/sqlite.js';
import type { ArtifactStore, LogStore, MetadataStore } from './types.js';

/** The stores of one home, opened together. */
export interface Store {
  /** Absolute path of the home directory. */
  readonly home: string;
  readonly meta: MetadataStore;
  readonly blobs: ArtifactStore;
  readonly logs: LogStore;
  /** Closes the metadata connection (blobs and logs hold nothing open). */
  close(): Promise<void>;
}

/** The home directory: `SLUICE_HOME` (relative to `cwd` if relative) or `<cwd>/.sluice`. */
export function resolveHome(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const configured = env.SLUICE_HOME;
  return configured !== undefined && configured !== '' ? resolve(cwd, configured) : join(cwd, '.sluice');
}

/** Opens (creating if needed) the metadata, blob and log stores of a home. */
export function openStore(home: string = resolveHome(), options: SqliteMetadataStoreOptions = {}): Store {
  const dir = resolve(home);
  if (!options.readonly) mkdirSync(dir, { recursive: true });
  const meta = new SqliteMetadataStore(join(dir, 'meta.db'), options);
  return {
    home: dir,
    meta,
    blobs: openBlobStore(dir),
    logs: openLogStore(dir),
    close: () => meta.close(),
  };
}

/** The blob store of a home, without opening the database (for worker processes). */
export function openBlobStore(home: string = resolveHome()): FsArtifactStore {
  return new FsArtifactStore(join(resolve(home), 'cas'));
}

/** The log store of a home, without opening the database (for worker processes). */
export function openLogStore(home: string = resolveHome()): FsLogStore {
  return new FsLogStore(join(resolve(home), 'logs'));
}
