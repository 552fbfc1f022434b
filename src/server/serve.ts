/**
 * Starts the app on a port. Loopback by default; binding any other address needs a token.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp, type AppOptions } from './app.js';

export interface ServeOptions extends AppOptions {
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 8177; 0 picks a free one). */
  readonly port?: number;
}

export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8177;
export const DEFAULT_HOST = '127.0.0.1';

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Thrown for a configuration the server refuses (the CLI prints it as a usage error). */
export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError';
}

/** Starts the server; resolves once it listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token === '' ? undefined : options.token;
  if (!isLoopback(host) && token === undefined) {
    throw new ServerConfigError(
      `binding ${host} would expose your runs to the network without a token: set SLUICE_UI_TOKEN or pass --token <secret> (or bind 127.0.0.1)`,
    );
  }
  if (token !== undefined && token.length < 8) {
    throw new ServerConfigError('the token is too short: use at least 8 characters (e.g. `openssl rand -hex 16`)');
  }
  const { app, close } = createApp({ ...options, token });
  const port = options.port ?? DEFAULT_PORT;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s as Server)) as Server;
    s.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ServerConfigError(`port ${port} on ${host} is in use: choose another with --port <n>`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ServerConfigError(`cannot bind ${host}: no such address on this machine`));
      else reject(error);
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    host: address.address,
    port: address.port,
    close: async () => {
      // Live streams never end on their own: drop open connections, then stop listening.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await close();
    },
  };
}
