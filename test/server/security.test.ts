/**
 * Security: tokens (constant-time check on every API route and stream), the loopback-only rule,
 * the Host check, security headers, and that no request path can read a file outside the store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { RunFlowResult } from '../../src/index.js';
import { CONTENT_SECURITY_POLICY, isLoopback, startServer, tokensEqual } from '../../src/server/index.js';
import { tempHome } from '../helpers/run.js';
import { fakeUi, runInto, serve, type TestServer } from './serve-helper.js';

const TOKEN = 'correct-horse-battery-staple';
const home = tempHome('sluice-sec-');
const uiDir = fakeUi(mkdtempSync(join(tmpdir(), 'sluice-ui-')));
let open: TestServer;
let locked: TestServer;
let run: RunFlowResult;
let startId: number;

before(async () => {
  run = await runInto(home.home, 'ui-basic.ts');
  // A secret next to the store that no route may serve.
  writeFileSync(join(home.home, 'secret.txt'), 'TOP-SECRET-CONTENT');
  open = await serve({ home: home.home, uiDir });
  locked = await serve({ home: home.home, uiDir, token: TOKEN });
  const { body } = await open.json(`/api/runs/UiBasic/${run.runId}/tasks?step=start`);
  startId = body.tasks[0].taskId;
});
after(async () => {
  await open?.close();
  await locked?.close();
  home.cleanup();
  rmSync(uiDir, { recursive: true, force: true });
});

/** A raw GET that sends the path exactly as given (fetch would normalise '..'). */
function rawGet(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('token', () => {
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const routes = () => [
    '/api/info',
    '/api/runs',
    `/api/runs/UiBasic/${run.runId}`,
    `/api/runs/UiBasic/${run.runId}/timeline`,
    `/api/runs/UiBasic/${run.runId}/tasks`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/artifacts/table`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/logs/stdout`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/logs/stdout/live`,
    `/api/runs/UiBasic/${run.runId}/live`,
    '/api/live/runs',
    '/api/openapi.json',
    '/api/2.0/mlflow/experiments/search',
    '/ajax-api/2.0/mlflow/experiments/search',
  ];

  test('every API route and stream refuses requests without the token', async () => {
    for (const path of routes()) {
      const response = await locked.request(path);
      assert.equal(response.status, 401, path);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="sluice"');
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, 'unauthorized');
      assert.match(body.message, /requires a token/);
    }
  });

  test('a wrong token is refused, whatever its length', async () => {
    for (const wrong of ['x', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const response = await locked.request('/api/runs', { headers: { Authorization: `Bearer ${wrong}` } });
      assert.equal(response.status, 401, wrong);
      assert.match(((await response.json()) as { message: string }).message, /the token is wrong/);
    }
  });

  test('the right token opens every route', async () => {
    for (const path of routes().filter((p) => !p.includes('mlflow') && !p.endsWith('/live') && !p.endsWith('/live/runs'))) {
      const response = await locked.request(path, { headers: auth });
      assert.equal(response.status, 200, path);
      await response.arrayBuffer();
    }
    const stream = await locked.request(`/api/runs/UiBasic/${run.runId}/live`, { headers: auth });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers.get('content-type'), 'text/event-stream');
    await stream.body?.cancel();
  });

  test('the app shell loads without the token (it asks for it)', async () => {
    const page = await locked.request('/runs');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
  });

  test('tokensEqual compares whole values', () => {
    assert.equal(tokensEqual(TOKEN, TOKEN), true);
    assert.equal(tokensEqual('', TOKEN), false);
    assert.equal(tokensEqual(`${TOKEN}\0`, TOKEN), false);
  });
});

describe('binding', () => {
  test('a non-loopback address without a token is refused, naming the fix', async () => {
    await assert.rejects(startServer({ home: home.home, host: '0.0.0.0', port: 0, uiDir: null }), /set SLUICE_UI_TOKEN or pass --token/);
    await assert.rejects(startServer({ home: home.home, host: '0.0.0.0', port: 0, token: 'short', uiDir: null }), /token is too short/);
  });

  test('loopback names', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.4', 'example.com', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
  });

  test('without a token, requests addressed to another host name are refused (DNS rebinding)', async () => {
    const evil = await rawGet(open, '/api/runs', { Host: 'evil.example:8177' });
    assert.equal(evil.status, 403);
    assert.match(evil.body, /answers only localhost/);
    assert.equal((await rawGet(open, '/api/runs', { Host: `localhost:${open.port}` })).status, 200);
    // With a token the Host does not matter (the token is the check).
    assert.equal((await rawGet(locked, '/api/runs', { Host: 'sluice.internal', Authorization: `Bearer ${TOKEN}` })).status, 200);
  });
});

describe('the MLflow API', () => {
  test('is mounted under both prefixes, behind the token', async () => {
    for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
      const found = await open.json(`${prefix}/experiments/get-by-name?experiment_name=UiBasic`);
      assert.equal(found.status, 200, prefix);
      assert.equal(found.body.experiment.name, 'UiBasic');
      const missing = await open.json(`${prefix}/experiments/get-by-name?experiment_name=Nope`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    }
    const runs = await locked.json('/api/2.0/mlflow/runs/search', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ experiment_ids: ['UiBasic'] }),
    });
    assert.equal(runs.status, 200);
    assert.deepEqual(
      runs.body.runs.map((r: any) => r.info.run_id),
      [run.runId],
    );
  });

  test('writes from another origin are refused (no cross-site posts to a local server)', async () => {
    const body = JSON.stringify({ name: 'FromElsewhere' });
    const forged = await open.request('/api/2.0/mlflow/experiments/create', { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: 'http://evil.example' }, body });
    assert.equal(forged.status, 403);
    assert.match(((await forged.json()) as { message: string }).message, /another origin \(http:\/\/evil\.example\)/);
    const script = await open.request('/api/2.0/mlflow/experiments/create', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    assert.equal(script.status, 200, 'a client without an Origin header (scripts, MLflow clients) may write');
    const same = await open.request('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: open.url },
      body: JSON.stringify({ name: 'FromThisOrigin' }),
    });
    assert.equal(same.status, 200);
  });
});

describe('headers', () => {
  test('API, streams and the app carry a strict CSP and nosniff', async () => {
    for (const path of ['/api/runs', '/runs', '/assets/app.js', `/api/runs/UiBasic/${run.runId}/live`, '/api/nope']) {
      const response = await open.request(path);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      await response.body?.cancel();
    }
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe/);
  });
});

describe('no reads outside the store', () => {
  const attempts = () => [
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/logs/..%2F..%2F..%2Fsecret.txt`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/logs/stdout%2F..%2F..%2Fsecret.txt`,
    `/api/runs/UiBasic/${run.runId}/tasks/..%2F..%2Fsecret.txt/logs/stdout`,
    `/api/runs/UiBasic/${run.runId}/tasks/1%2F..%2F..%2Fsecret.txt/logs/stdout`,
    `/api/runs/UiBasic/..%2F..%2Fsecret.txt/tasks/${startId}/logs/stdout`,
    `/api/runs/..%2F..%2F..%2Fsecret.txt/${run.runId}/tasks/${startId}/logs/stdout`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/artifacts/..%2F..%2Fsecret.txt`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/artifacts/..%2F..%2F..%2Fmeta.db`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/artifacts/%2e%2e%2fsecret.txt`,
    `/api/runs/UiBasic/${run.runId}/tasks/${startId}/logs/stdout?attempt=..%2F..%2Fsecret.txt`,
    `/api/runs/UiBasic/${run.runId}/../../../secret.txt`,
    '/../../secret.txt',
    '/..%2F..%2Fsecret.txt',
    '/assets/..%2F..%2F..%2Fsecret.txt',
    '/assets/../../package.json',
    '/%2e%2e/%2e%2e/package.json',
    '/index.html/../../package.json',
  ];

  test('path traversal in any route part never reaches a file', async () => {
    for (const path of attempts()) {
      for (const server of [open]) {
        const { status, body } = await rawGet(server, path);
        assert.doesNotMatch(body, /TOP-SECRET|"name": "sluice"|SQLite format/, `${path} leaked a file`);
        assert.ok([200, 400, 404].includes(status), `${path} → ${status}`);
        // Anything that succeeded is the app shell or JSON about the run, never a file's bytes.
        if (status === 200) assert.ok(body.includes('<div id="root">') || body.startsWith('{'), `${path} → ${body.slice(0, 80)}`);
      }
    }
  });

  test('invalid names are 400s naming the parameter', async () => {
    const { status, body } = await rawGet(open, `/api/runs/UiBasic/${run.runId}/tasks/${startId}/logs/passwd`);
    assert.equal(status, 400);
    assert.match(body, /stream/);
    const flow = await rawGet(open, `/api/runs/..%2F..%2Fx/${run.runId}`);
    assert.equal(flow.status, 400);
    assert.match(flow.body, /flow/);
  });

  test('static files: only built files are served, with their types; unknown assets are 404s', async () => {
    const js = await open.request('/assets/app.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await open.request('/assets/missing.js')).status, 404);
    const route = await open.request('/runs/UiBasic/abc?task=1');
    assert.equal(route.status, 200);
    assert.match(await route.text(), /<div id="root">/);
  });
});
