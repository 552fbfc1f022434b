/** Test helpers for the HTTP server: a store filled by real runs, and a server on a free port. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFlow, type RunFlowResult } from '../../src/index.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/index.js';
import { FIXTURES } from '../helpers/run.js';

/** Runs a fixture flow into `home` with two workers. */
export function runInto(home: string, fixture: string, options: { tags?: string[]; params?: Record<string, unknown> } = {}): Promise<RunFlowResult> {
  return runFlow({ file: join(FIXTURES, fixture), home, env: {}, maxWorkers: 2, tags: options.tags, params: { values: options.params } });
}

/** A tiny stand-in for the built UI (an index and one asset), so static serving is tested without a build. */
export function fakeUi(dir: string): string {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sluice</title><div id="root"></div><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app");');
  return dir;
}

export interface TestServer extends RunningServer {
  /** GET (or other method) relative to the server, with optional headers. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** GET and parse JSON, asserting nothing about the status. */
  json<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }>;
}

export async function serve(options: ServeOptions): Promise<TestServer> {
  const server = await startServer({ port: 0, pollMs: 50, ...options });
  const request = (path: string, init?: RequestInit): Promise<Response> => fetch(`${server.url}${path}`, init);
  return {
    ...server,
    request,
    json: async <T = any>(path: string, init?: RequestInit) => {
      const response = await request(path, init);
      return { status: response.status, body: (await response.json()) as T, headers: response.headers };
    },
  };
}

/** Reads a server-sent event stream until `stop` says so (or `limitMs` passes); returns the events. */
export async function readEvents(
  response: Response,
  stop: (events: { event: string; data: any }[]) => boolean,
  limitMs = 20_000,
): Promise<{ event: string; data: any }[]> {
  const events: { event: string; data: any }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = Date.now() + limitMs;
  let buffer = '';
  try {
    while (Date.now() < deadline && !stop(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data !== '') events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}
