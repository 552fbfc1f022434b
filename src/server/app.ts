/**
 * The HTTP app behind `sluice ui` and `sluice server`: the JSON API (documented at
 * `/api/openapi.json`), live feeds as server-sent events, and the built single-page app, all
 * behind security headers; the API behind the token check when a token is set.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from './deps.js';
import { ApiError } from './http.js';
import { registerLiveRoutes } from './routes/live.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerMetricRoutes } from './routes/metrics.js';
import { registerModelRoutes } from './routes/models.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerTaskRoutes } from './routes/tasks.js';
import { loopbackHostOnly, requireToken, sameOriginWrites, securityHeaders } from './security.js';
import { defaultUiDir, staticUi } from './static.js';
import { StoreAccess } from './store-access.js';
import { mountMlflow } from './mlflow.js';

export const VERSION = '0.1.0';

export interface AppOptions {
  /** The Sluice home to read. */
  readonly home: string;
  /** When set, every /api request must carry it (`Authorization: Bearer <token>`). */
  readonly token?: string;
  /** The built UI (default: dist/ui next to the package); pass null to serve no UI. */
  readonly uiDir?: string | null;
  /** How often live streams poll the store (ms, default 250). */
  readonly pollMs?: number;
}

export interface SluiceApp {
  readonly app: OpenAPIHono;
  /** Closes the store connections the app opened. */
  close(): Promise<void>;
}

/** Builds the app. It opens the store lazily, read-only, on the first request that needs it. */
export function createApp(options: AppOptions): SluiceApp {
  const token = options.token === '' ? undefined : options.token;
  const access = new StoreAccess(options.home);
  const app = new OpenAPIHono({
    // Invalid parameters: 400 naming the parameter and what was expected.
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
      return c.json({ error: 'bad-request', message: `invalid ${result.target}: ${issues}` }, 400);
    },
  });
  app.use('*', securityHeaders());
  app.use('*', loopbackHostOnly(token === undefined));
  app.use('/api/*', requireToken(token));
  app.use('/ajax-api/*', requireToken(token));

  app.use('/api/*', sameOriginWrites());
  app.use('/ajax-api/*', sameOriginWrites());

  const mlflow = mountMlflow(app, access.home);
  const deps: ApiDeps = { access, version: VERSION, auth: token !== undefined, pollMs: options.pollMs ?? 250, mlflow: true };
  registerRunRoutes(app, deps);
  registerTaskRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerLiveRoutes(app, deps);
  registerMetricRoutes(app, deps);
  registerModelRoutes(app, deps);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Sluice API',
      version: VERSION,
      description:
        'Read API over a Sluice home: runs, steps, tasks, artifacts, logs and live feeds. Send `Authorization: Bearer <token>` when the server was started with a token.',
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.all('/ajax-api/*', (c) => c.json({ error: 'not-found', message: `no API route ${c.req.method} ${c.req.path}` }, 404));
  app.all('/api/*', (c) => c.json({ error: 'not-found', message: `no API route ${c.req.method} ${c.req.path}; see /api/openapi.json` }, 404));
  const ui = options.uiDir === null ? undefined : (options.uiDir ?? defaultUiDir());
  const serveUi = staticUi(ui);
  app.get('*', (c) => serveUi(c));

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json({ error: error.code, message: error.message }, error.status);
    const name = (error as Error).name;
    // Lookups through the client API (unknown task, step, artifact) are the caller's mistake.
    if (name === 'PathspecError' || name === 'ClientError') return c.json({ error: 'not-found', message: error.message }, 404);
    if (name === 'NoStoreError') return c.json({ error: 'no-store', message: error.message }, 404);
    // Tracking store errors: a bad filter or page token, or something that does not exist.
    if (name === 'FilterError' || name === 'TrackingValueError' || name === 'PageTokenError') return c.json({ error: 'bad-request', message: error.message }, 400);
    if (name === 'TrackingNotFoundError') return c.json({ error: 'not-found', message: error.message }, 404);
    console.error(`sluice server: ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? String(error)}`);
    return c.json({ error: 'internal', message: `${name}: ${error.message}` }, 500);
  });

  return { app, close: async () => void (await Promise.all([access.close(), mlflow.close()])) };
}
