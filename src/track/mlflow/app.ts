/**
 * The MLflow-compatible REST API as a Hono app, for the web server to mount under
 * `/api/2.0/mlflow` (and `/ajax-api/2.0/mlflow`), so tools and scripts that speak MLflow's wire
 * protocol can log to Sluice: a flow is an experiment, a Sluice run is an MLflow run.
 *
 * ```ts
 * const mlflow = createMlflowApp({ home });
 * app.route('/api/2.0/mlflow', mlflow);
 * // on shutdown: await mlflow.close();
 * ```
 */
import { Hono } from 'hono';
import { openStore, type Store } from '../../store/home.js';
import { currentActor } from '../registry.js';
import { HTTP_STATUS, toMlflowError } from './errors.js';
import { registryRoutes } from './registry-routes.js';
import type { MlflowDeps } from './routes.js';
import { trackingRoutes } from './tracking-routes.js';

export interface MlflowAppOptions {
  /** The Sluice home to serve (its metadata store is opened writable on the first request). */
  readonly home: string;
  /** Recorded as the actor of alias changes and the default user of new runs (default: the server's user). */
  readonly actor?: string;
}

/** A Hono app serving the MLflow REST API, plus `close()` for its store connection. */
export type MlflowApp = Hono & { close(): Promise<void> };

export function createMlflowApp(options: MlflowAppOptions): MlflowApp {
  let store: Store | undefined;
  const deps: MlflowDeps = {
    store: () => (store ??= openStore(options.home)),
    actor: options.actor ?? currentActor(),
  };
  const app = new Hono();
  trackingRoutes(app, deps);
  registryRoutes(app, deps);
  // A catch-all route rather than notFound(): it keeps answering in MLflow's shape when the app is mounted under a prefix.
  app.all('*', (c) => c.json({ error_code: 'ENDPOINT_NOT_FOUND', message: `no MLflow endpoint ${c.req.method} ${c.req.path} in this server` }, 404));
  app.onError((error, c) => {
    const mapped = toMlflowError(error);
    return c.json({ error_code: mapped.code, message: mapped.message }, HTTP_STATUS[mapped.code]);
  });
  return Object.assign(app, {
    async close(): Promise<void> {
      const open = store;
      store = undefined;
      await open?.close();
    },
  });
}
