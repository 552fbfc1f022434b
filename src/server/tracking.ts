/**
 * MOUNT POINT for the tracking layer (issue 6): the MLflow-compatible REST API under
 * `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`, and the metrics/models routes the UI uses.
 * The tracking module (src/track/) does not exist yet; until it does, nothing is mounted and
 * `/api/info` reports `tracking: false` (the UI then hides the metrics and models pages).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { StoreAccess } from './store-access.js';

/** Mounts the tracking routes when the tracking layer is available; returns whether it did. */
export function mountTracking(_app: OpenAPIHono, _access: StoreAccess): boolean {
  return false;
}
