/**
 * What every response and every API request goes through: security headers (a strict
 * Content-Security-Policy), the bearer-token check, and a Host check that stops DNS-rebinding
 * pages from reading a token-less server bound to loopback.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/**
 * The app is one bundled script and one stylesheet served from this origin: nothing inline,
 * nothing remote, no framing. Styles set through the CSSOM (React's `style`, uPlot) are allowed
 * by 'self' because they are not inline `<style>`/`style=""` markup.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Adds the security headers to every response. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    c.res.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  };
}

/**
 * Constant-time token comparison. Both sides are hashed first so the comparison takes the same
 * time whatever the lengths (timingSafeEqual itself requires equal lengths).
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The token a request carries: `Authorization: Bearer <token>` (or `X-Sluice-Token`). */
export function requestToken(header: (name: string) => string | undefined): string | undefined {
  const auth = header('authorization');
  if (auth !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1];
  }
  return header('x-sluice-token');
}

/**
 * Rejects API requests without the right token (401, with a JSON error the app understands).
 * With no token configured every request passes (the server then only listens on loopback).
 */
export function requireToken(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) return next();
    const given = requestToken((name) => c.req.header(name));
    if (given === undefined || !tokensEqual(given, token)) {
      c.header('WWW-Authenticate', 'Bearer realm="sluice"');
      return c.json(
        {
          error: 'unauthorized',
          message:
            given === undefined
              ? 'this server requires a token: send it as "Authorization: Bearer <token>" (the value of SLUICE_UI_TOKEN or --token)'
              : 'the token is wrong: send the value of SLUICE_UI_TOKEN or --token the server was started with',
        },
        401,
      );
    }
    return next();
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name of a Host header, without its port. */
export function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  const colon = trimmed.lastIndexOf(':');
  return colon >= 0 ? trimmed.slice(0, colon) : trimmed;
}

/**
 * Without a token the server answers only requests addressed to a loopback name: a page on
 * another site that rebinds its DNS name to 127.0.0.1 sends its own name as Host and is refused.
 */
export function loopbackHostOnly(enabled: boolean): MiddlewareHandler {
  return async (c, next) => {
    if (!enabled) return next();
    const host = c.req.header('host');
    if (host === undefined || LOOPBACK_HOSTS.has(hostName(host))) return next();
    return c.json(
      {
        error: 'forbidden-host',
        message: `this server has no token and answers only localhost/127.0.0.1, not Host '${host}'; start it with SLUICE_UI_TOKEN or --token to serve other names`,
      },
      403,
    );
  };
}

/**
 * Refuses writes (anything but GET/HEAD/OPTIONS) that a browser sends from another origin: a page
 * on another site could otherwise post to a token-less server on 127.0.0.1 (the MLflow API writes).
 * Browsers always send Origin on cross-origin writes; MLflow clients and scripts send none.
 */
export function sameOriginWrites(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const origin = c.req.header('origin');
    if (origin === undefined) return next();
    let originHost: string;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = '';
    }
    if (originHost !== '' && originHost === (c.req.header('host') ?? '').toLowerCase()) return next();
    return c.json({ error: 'forbidden-origin', message: `writes from another origin (${origin}) are refused; send them from this server's own pages or without an Origin header` }, 403);
  };
}
