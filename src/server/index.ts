/** The HTTP server: JSON API, live feeds and the web UI. Re-exports only. */
export { createApp, VERSION, type AppOptions, type SluiceApp } from './app.js';
export { startServer, isLoopback, ServerConfigError, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type RunningServer } from './serve.js';
export { CONTENT_SECURITY_POLICY, tokensEqual } from './security.js';
export type * from './schemas.js';
