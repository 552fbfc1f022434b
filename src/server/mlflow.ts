/**
 * MOUNT POINT for the MLflow-compatible REST API of the tracking layer (issue 6), served under
 * `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow` (both behind the token check in app.ts).
 * src/track/mlflow/ does not exist yet: until it does, nothing is mounted and `/api/info`
 * reports `mlflow: false`. To mount it, call its app factory here with the store access and
 * `app.route(prefix, mlflowApp)` for both prefixes.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { StoreAccess } from './store-access.js';

/** Mounts the MLflow REST API when the tracking layer provides one; returns whether it did. */
export function mountMlflow(_app: OpenAPIHono, _access: StoreAccess): boolean {
  return false;
}
