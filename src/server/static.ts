/**
 * Serves the built single-page app. Only the files found in the UI directory at start-up are
 * served (a fixed map from URL path to content), so no request path ever reaches the file
 * system; any other non-API path gets index.html and the app's router takes over.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

interface StaticFile {
  readonly body: Uint8Array;
  readonly type: string;
  readonly immutable: boolean;
}

/** Where the built UI is: next to the compiled server (dist/ui), or dist/ui when running from source. */
export function defaultUiDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'ui'), join(here, '..', '..', 'dist', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** URL path → file, for every file under `dir` (read once). */
function loadFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const url = `/${relative(dir, path).split(sep).join('/')}`;
        files.set(url, {
          body: readFileSync(path),
          type: TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
          immutable: url.startsWith('/assets/'),
        });
      }
    }
  };
  walk(dir);
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sluice</title></head><body>
<h1>Sluice</h1><p>The web UI is not built. Run <code>npm run build</code> in the Sluice package, then restart <code>sluice ui</code>.
The HTTP API is available under <code>/api</code> (see <code>/api/openapi.json</code>).</p></body></html>`;

/** A handler serving the app from `dir` (or a page saying it is not built). */
export function staticUi(dir: string | undefined): (c: Context) => Response {
  const files = dir && existsSync(join(dir, 'index.html')) ? loadFiles(dir) : undefined;
  const index = files?.get('/index.html');
  return (c) => {
    if (!files || !index) return c.html(NOT_BUILT, 200);
    const path = c.req.path;
    const file = files.get(path);
    if (file) {
      c.header('Content-Type', file.type);
      c.header('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return c.body(file.body as Uint8Array<ArrayBuffer>, 200);
    }
    // A path with an extension that is not a built file is a missing asset, not an app route.
    if (/\.[A-Za-z0-9]{1,8}$/.test(path)) return c.text('not found', 404);
    c.header('Content-Type', index.type);
    c.header('Cache-Control', 'no-cache');
    return c.body(index.body as Uint8Array<ArrayBuffer>, 200);
  };
}
