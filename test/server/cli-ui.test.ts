/** `sluice ui` / `sluice server` through the real CLI, and the server over an empty home. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempHome } from '../helpers/run.js';
import { serve } from './serve-helper.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const home = tempHome('sluice-cli-ui-');
after(() => home.cleanup());

/** Starts the CLI, waits for its first lines, and returns them with the process. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ lines: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, SLUICE_HOME: home.home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output from sluice ${args.join(' ')}: ${err}`)), 30_000);
    const check = setInterval(() => {
      if (out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        clearInterval(check);
        resolve({
          lines: out,
          stop: () => {
            child.kill('SIGINT');
            return exited;
          },
        });
      }
    }, 50);
    void exited.then((code) => {
      clearTimeout(timer);
      clearInterval(check);
      reject(new Error(`sluice ${args.join(' ')} exited with ${code}: ${err}`));
    });
  });
}

describe('sluice ui', () => {
  test('serves the API on the chosen port and stops cleanly on Ctrl-C', async () => {
    const { lines, stop } = await start(['ui', '--port', '0']);
    const url = /Sluice UI: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(lines)?.[1];
    assert.ok(url, lines);
    assert.match(lines, new RegExp(`home {3}${home.home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const info = (await (await fetch(`${url}api/info`)).json()) as { auth: boolean; store: boolean };
    assert.deepEqual([info.auth, info.store], [false, false]);
    assert.equal(await stop(), 0);
  });

  test('`sluice server --token` without a value generates a token and requires it', async () => {
    const { lines, stop } = await start(['server', '--port', '0', '--token']);
    const url = /Sluice server: (http:\/\/\S+\/)/.exec(lines)?.[1];
    const token = /token {2}(\S+)/.exec(lines)?.[1];
    assert.ok(url && token && token.length >= 20, lines);
    assert.equal((await fetch(`${url}api/runs`)).status, 401);
    assert.equal((await fetch(`${url}api/runs`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal(await stop(), 0);
  });

  test('binding another address without a token is a usage error naming the fix', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'ui', '--host', '0.0.0.0', '--port', '0'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SLUICE_HOME: home.home, SLUICE_UI_TOKEN: '' },
    });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'sluice: binding 0.0.0.0 would expose your runs to the network without a token: set SLUICE_UI_TOKEN or pass --token <secret> (or bind 127.0.0.1)');
    const port = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'ui', '--port', 'http'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SLUICE_HOME: home.home } });
    assert.equal(port.status, 2);
    assert.match(port.stderr, /--port must be an integer >= 0, got "http"/);
  });
});

describe('an empty home', () => {
  test('has no runs yet, and says so for a run', async () => {
    const server = await serve({ home: home.home, uiDir: null });
    try {
      assert.deepEqual((await server.json('/api/runs')).body, { runs: [], nextCursor: null, scanned: 0 });
      assert.deepEqual((await server.json('/api/flows')).body, { flows: [] });
      assert.deepEqual((await server.json('/api/models')).body, { models: [], nextPageToken: null });
      const run = await server.json('/api/runs/Flow/abc');
      assert.equal(run.status, 404);
      assert.match(run.body.message, /no Sluice store at .* yet \(nothing has run with this home\)/);
    } finally {
      await server.close();
    }
  });
});
