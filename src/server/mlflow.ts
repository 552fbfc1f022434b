/**
 * Mounts the tracking layer's MLflow-compatible REST API (src/track/mlflow) under
 * `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`, behind the same token and host checks as the rest
 * of the API (app.ts registers those first). It writes (MLflow clients log runs and register
 * models), so it opens its own writable connection to the store on first use.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createMlflowApp } from '../track/mlflow/app.js';

export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;

/** Mounts the MLflow API; returns what closes its store connection. */
export function mountMlflow(app: OpenAPIHono, home: string): { close(): Promise<void> } {
  const mlflow = createMlflowApp({ home });
  for (const prefix of MLFLOW_PREFIXES) app.route(prefix, mlflow);
  return mlflow;
}
