/**
 * `sluice ui [--port 8177] [--host 127.0.0.1] [--open] [--token [secret]]` and `sluice server`
 * (the same app): serves the web UI, the JSON API and live feeds over the Sluice home until
 * interrupted. Binding anything but loopback needs a token (SLUICE_UI_TOKEN or --token).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, ServerConfigError, startServer } from '../server/serve.js';
import { CliUsageError, parseCount, type CliContext } from './format.js';

interface UiOptions {
  port?: string;
  host?: string;
  open?: boolean;
  token?: string | boolean;
}

/** Opens a URL in the desktop's browser; failures are reported, not fatal. */
function openBrowser(url: string, context: CliContext): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => context.err(`(could not start a browser with ${command}; open ${url} yourself)\n`));
    child.unref();
  } catch {
    context.err(`(could not start a browser; open ${url} yourself)\n`);
  }
}

/** The token to require: --token value, a fresh one for a bare --token, else SLUICE_UI_TOKEN. */
function chooseToken(option: string | boolean | undefined): { token: string | undefined; generated: boolean } {
  if (typeof option === 'string') return { token: option, generated: false };
  if (option === true) return { token: randomBytes(18).toString('base64url'), generated: true };
  const env = process.env.SLUICE_UI_TOKEN;
  return { token: env === undefined || env === '' ? undefined : env, generated: false };
}

async function serveUntilStopped(context: CliContext, options: UiOptions, what: string): Promise<void> {
  const port = parseCount('--port', options.port) ?? DEFAULT_PORT;
  if (port > 65535) throw new CliUsageError(`--port must be at most 65535, got ${port}`);
  const host = options.host ?? DEFAULT_HOST;
  const { token, generated } = chooseToken(options.token);
  const home = context.home();
  let server;
  try {
    server = await startServer({ home, host, port, token });
  } catch (error) {
    if (error instanceof ServerConfigError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
  // A wildcard address is reached as localhost from this machine; IPv6 literals need brackets.
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `http://${shownHost}:${server.port}/`;
  context.out(`Sluice ${what}: ${url}\n`);
  context.out(`  home   ${home}\n`);
  context.out(`  api    ${url}api/openapi.json\n`);
  if (token !== undefined) context.out(generated ? `  token  ${token}\n` : '  token  required (the value of --token / SLUICE_UI_TOKEN)\n');
  context.out('Press Ctrl-C to stop.\n');
  // The token rides in the fragment, which browsers never send to the server.
  if (options.open) openBrowser(token !== undefined ? `${url}#token=${encodeURIComponent(token)}` : url, context);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}

export function register(program: Command, context: CliContext): void {
  for (const [name, what, description] of [
    ['ui', 'UI', 'serve the web UI and HTTP API over the Sluice home'],
    ['server', 'server', 'serve the HTTP API (and the web UI) over the Sluice home'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .option('--port <n>', `port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)`)
      .option('--host <address>', `address to bind (default ${DEFAULT_HOST}; anything else needs a token)`)
      .option('--open', 'open the UI in a browser')
      .option('--token [secret]', 'require this token on every API request (bare --token: generate one); default SLUICE_UI_TOKEN')
      .action((options: UiOptions) => serveUntilStopped(context, options, what));
  }
}
