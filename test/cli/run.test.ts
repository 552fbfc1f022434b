/** `sluice run` end to end: the real CLI in a subprocess against a throwaway store. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FIXTURES, tempHome } from '../helpers/run.js';

const ROOT = join(import.meta.dirname, '..', '..');
const home = tempHome();
after(() => home.cleanup());

function sluice(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SLUICE_HOME: home.home, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('sluice run', () => {
  test('runs a flow, streams prefixed task output, and says where the results are', () => {
    const r = sluice(['run', join(FIXTURES, 'linear.ts'), '--n', '5', '--tag', 'cli-test']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[double\/2\] doubling 5/);
    assert.match(r.stdout, /✓ Linear\/\S+ succeeded in [\d.]+s \(3 tasks\)/);
    assert.match(r.stdout, /results: sluice dump Linear\/\S+/);
  });

  test('--json prints one event per line, ending with run-finished', () => {
    const r = sluice(['run', join(FIXTURES, 'linear.ts'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; status?: string; text?: string });
    assert.equal(events[0]!.event, 'run-started');
    assert.equal(events.at(-1)!.event, 'run-finished');
    assert.equal(events.at(-1)!.status, 'succeeded');
    assert.equal(events.filter((e) => e.event === 'task-finished').length, 3);
    assert.ok(events.some((e) => e.event === 'log' && e.text === 'doubling 3\n'));
  });

  test('--quiet prints only the outcome', () => {
    const r = sluice(['run', join(FIXTURES, 'linear.ts'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.match(r.stdout, /^✓ Linear\//);
  });

  test('a failing run exits 1 with the failure report', () => {
    const r = sluice(['run', join(FIXTURES, 'failing.ts')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /✗ step 'work' task \d+ \(foreach 'work' item 2 of 4\) failed: RangeError: item 2 is bad/);
    assert.match(r.stderr, /working on 2/);
    assert.match(r.stderr, /✗ Failing\/\S+ failed/);
  });

  test('usage errors are one clear line with exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['run', join(FIXTURES, 'linear.ts'), '--nope', '1'], /^sluice: unknown option '--nope' \(flow Linear parameters: --n; see sluice run --help\)$/],
      [['run', join(FIXTURES, 'linear.ts'), '--n', 'abc'], /parameter 'n': expected an integer, got "abc"/],
      [['run', 'missing-flow.ts'], /^sluice: flow file not found: missing-flow\.ts$/],
      [['run', join(FIXTURES, 'throws-on-import.ts')], /^sluice: flow file .*throws-on-import\.ts failed to load: Error: config\.yaml is missing/],
      [['run', join(FIXTURES, 'invalid.ts')], /flow Invalid is not valid:\n {2}- step 'start' goes to unknown step 'trian'/],
      [['run', join(FIXTURES, 'linear.ts'), '--max-workers', '0'], /--max-workers must be a positive integer, got '0'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, pattern] of cases) {
      const r = sluice(args);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.match(r.stderr.trim(), pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('--help lists the options', () => {
    const r = sluice(['run', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--max-workers <n>/);
    assert.match(r.stdout, /--executor <kind>/);
  });
});
