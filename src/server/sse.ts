/**
 * Server-sent event streams that poll the store: `tick` runs every `pollMs`, sends what changed,
 * and says whether to go on. A comment line every 15 s keeps proxies from closing idle streams.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** Sends one event with a JSON payload. */
export type Send = (event: string, data: unknown) => Promise<void>;

const KEEPALIVE_MS = 15_000;

export function pollingStream(c: Context, pollMs: number, tick: (send: Send) => Promise<'continue' | 'end'>): Response {
  c.header('Cache-Control', 'no-store');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(
    c,
    async (stream) => {
      let lastWrite = Date.now();
      const send: Send = async (event, data) => {
        await stream.writeSSE({ event, data: JSON.stringify(data) });
        lastWrite = Date.now();
      };
      while (!stream.aborted && !stream.closed) {
        if ((await tick(send)) === 'end') break;
        if (Date.now() - lastWrite > KEEPALIVE_MS) {
          await stream.write(': keepalive\n\n');
          lastWrite = Date.now();
        }
        await stream.sleep(pollMs);
      }
    },
    async (error, stream) => {
      await stream.writeSSE({ event: 'error', data: JSON.stringify({ error: 'stream-failed', message: error.message }) });
    },
  );
}
