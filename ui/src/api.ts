/**
 * The app's only way to the server: JSON GETs and server-sent event streams under /api, with
 * the token (when the server needs one) sent as a bearer header. The token is asked for once
 * and kept in sessionStorage; `#token=…` in the URL (from `sluice ui --open`) is taken and
 * removed from the address bar.
 */
const TOKEN_KEY = 'sluice.token';

let token: string | null = null;
try {
  token = sessionStorage.getItem(TOKEN_KEY);
} catch {
  token = null;
}

const fromHash = /(?:^#|&)token=([^&]+)/.exec(location.hash);
if (fromHash) {
  setToken(decodeURIComponent(fromHash[1]!));
  history.replaceState(history.state, '', location.pathname + location.search);
}

/** Listeners told when the server refuses the token (or none was given). */
const authListeners = new Set<(message: string) => void>();

export function onAuthRequired(listener: (message: string) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export function setToken(value: string | null): void {
  token = value;
  try {
    if (value === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // Storage disabled: the token lasts until the page reloads.
  }
}

export function hasToken(): boolean {
  return token !== null;
}

/** An error answer from the API, with its code and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function headers(): HeadersInit {
  return token === null ? { Accept: 'application/json' } : { Accept: 'application/json', Authorization: `Bearer ${token}` };
}

async function failure(response: Response): Promise<ApiError> {
  let code = 'http-error';
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    code = body.error ?? code;
    message = body.message ?? message;
  } catch {
    // Not JSON: keep the status line.
  }
  if (response.status === 401) for (const listener of authListeners) listener(message);
  return new ApiError(response.status, code, message);
}

/** GET a JSON resource under /api. */
export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: headers(), signal, cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** `?a=1&b=x` from the defined entries (arrays repeat the key). */
export function query(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Path segment, escaped. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));

export interface StreamHandlers {
  /** Called for each event with its parsed JSON data. */
  readonly onEvent: (event: string, data: unknown) => void;
  /** Called when the connection drops or fails (it is retried unless the stream ended). */
  readonly onError?: (error: Error) => void;
}

/**
 * Subscribes to a server-sent event stream (read with fetch, so the bearer header can be sent).
 * Reconnects with backoff until the server sends `end` or the returned function is called.
 * `nextPath` lets a reconnect resume (e.g. a log tail from the last offset).
 */
export function subscribe(path: string | (() => string), handlers: StreamHandlers): () => void {
  const controller = new AbortController();
  let ended = false;
  let delay = 500;
  const run = async (): Promise<void> => {
    while (!ended && !controller.signal.aborted) {
      try {
        const url = typeof path === 'string' ? path : path();
        const response = await fetch(url, { headers: { ...headers(), Accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store' });
        if (!response.ok || !response.body) throw await failure(response);
        delay = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            }
            if (data.length === 0) continue;
            let parsed: unknown;
            try {
              parsed = JSON.parse(data.join('\n'));
            } catch {
              parsed = data.join('\n');
            }
            if (event === 'end') ended = true;
            handlers.onEvent(event, parsed);
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        handlers.onError?.(error as Error);
        if (error instanceof ApiError && (error.status === 401 || error.status === 404 || error.status === 400)) return;
      }
      if (ended || controller.signal.aborted) return;
      await new Promise((resolve) => window.setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => controller.abort();
}
