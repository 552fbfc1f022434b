/** Mounts the MLflow app as the web server will, serves it on a free port of 127.0.0.1, and calls it the way MLflow clients do. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMlflowApp, type MlflowApp } from '../../src/track/mlflow/app.js';

export interface MlflowServer {
  readonly url: string;
  /** The server's origin (for requests outside the API prefix). */
  readonly origin: string;
  /** GET with a query string; other methods with a JSON body. */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, params?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startMlflow(home: string): Promise<MlflowServer> {
  const app: MlflowApp = createMlflowApp({ home, actor: 'api-tester' });
  const root = new Hono();
  root.route('/api/2.0/mlflow', app);
  root.route('/ajax-api/2.0/mlflow', app);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}/api/2.0/mlflow`;
  return {
    url,
    origin,
    async call(method, path, params = {}) {
      let target = `${url}${path}`;
      const init: RequestInit = { method };
      if (method === 'GET') {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(params)) {
          for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
        }
        target += `?${query}`;
      } else {
        init.body = JSON.stringify(params);
        init.headers = { 'content-type': 'application/json' };
      }
      const response = await fetch(target, init);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
