/** What the route modules share. */
import type { StoreAccess } from './store-access.js';

export interface ApiDeps {
  readonly access: StoreAccess;
  readonly version: string;
  /** Whether requests need a token. */
  readonly auth: boolean;
  /** How often live streams look for changes (ms). */
  readonly pollMs: number;
  /** Whether the MLflow-compatible API is mounted. */
  readonly mlflow: boolean;
}
