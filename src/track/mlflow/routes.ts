/**
 * The plumbing every MLflow endpoint shares: what handlers receive, and how one is registered
 * (parameters read per MLflow's rules, the result sent as JSON, errors mapped by the app).
 */
import type { Hono } from 'hono';
import type { Store } from '../../store/home.js';
import { HTTP_STATUS, toMlflowError } from './errors.js';
import { readParams, type Params } from './request.js';

export interface MlflowDeps {
  /** The home's stores, opened writable on first use. */
  store(): Store;
  /** Recorded as the actor of alias changes and the default user of new runs. */
  readonly actor: string;
}

export type Handler = (params: Params, deps: MlflowDeps) => Promise<Record<string, unknown>>;

/** Registers an endpoint. Errors are answered here (not only by the app's onError) so they keep MLflow's shape wherever the app is mounted. */
export function route(app: Hono, methods: readonly ('GET' | 'POST' | 'PATCH' | 'DELETE')[], path: string, deps: MlflowDeps, handler: Handler): void {
  app.on([...methods], path, async (c) => {
    try {
      return c.json(await handler(await readParams(c), deps));
    } catch (error) {
      const mapped = toMlflowError(error);
      return c.json({ error_code: mapped.code, message: mapped.message }, HTTP_STATUS[mapped.code]);
    }
  });
}
