import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, mainHasReadCommands, spawnCli } from '../client/cli-harness.js';
import { makeRuns } from '../client/fixture-runs.js';

const home = mkdtempSync(join(tmpdir(), 'sluice-read-cli-'));
const emptyHome = mkdtempSync(join(tmpdir(), 'sluice-read-cli-empty-'));
let ok = '';
let failed = '';
let wide = '';

before(async () => {
  [ok, failed, wide] = (await makeRuns(home, [
    { file: 'client-basic.ts', tags: ['exp', 'keep'] },
    { file: 'client-basic.ts', tags: ['exp'], params: { fail: true } },
    { file: 'client-wide.ts', params: { width: 30 } },
  ])) as [string, string, string];
  ok = `ClientBasic/${ok}`;
  failed = `ClientBasic/${failed}`;
  wide = `ClientWide/${wide}`;
});

after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(emptyHome, { recursive: true, force: true });
});

const run = (...args: string[]) => cli(home, args);

void describe('sluice runs', () => {
  void it('lists runs newest first as a table', async () => {
    const result = await run('runs');
    assert.equal(result.code, 0);
    const lines = result.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^RUN +STATUS +STARTED +DURATION +USER +TAGS$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2)),
      [
        [wide, 'succeeded'],
        [failed, 'failed'],
        [ok, 'succeeded'],
      ],
    );
    assert.match(lines[3]!, / ann +exp, keep$/);
  });

  void it('filters by flow, tags (all must match) and status; prints JSON', async () => {
    const json = async (...args: string[]): Promise<string[]> => {
      const result = await run('runs', ...args, '--json');
      assert.equal(result.code, 0, result.err);
      return (JSON.parse(result.out) as { pathspec: string }[]).map((r) => r.pathspec);
    };
    assert.deepEqual(await json('ClientBasic'), [failed, ok]);
    assert.deepEqual(await json('--tag', 'exp'), [failed, ok]);
    assert.deepEqual(await json('--tag', 'exp', '--tag', 'keep'), [ok]);
    assert.deepEqual(await json('--status', 'failed'), [failed]);
    assert.deepEqual(await json('ClientWide', '--tag', 'exp'), []);
    const full = JSON.parse((await run('runs', '--json', '--limit', '1')).out) as Record<string, unknown>[];
    assert.equal(full.length, 1);
    assert.equal(full[0]!.pathspec, wide);
    assert.deepEqual(full[0]!.params, { width: 30 });
    assert.deepEqual(full[0]!.systemTags, ['runtime:local', 'user:ann']);
  });

  void it('says when the list was cut, and when nothing matches', async () => {
    const cut = await run('runs', '--limit', '2');
    assert.equal(cut.out.trimEnd().split('\n').length, 3);
    assert.equal(cut.err, '(showing the newest 2; use --limit n for more, --limit 0 for all)\n');
    const none = await run('runs', 'ClientBasic', '--tag', 'nope', '--status', 'crashed');
    assert.equal(none.code, 0);
    assert.equal(none.out, `no runs of flow ClientBasic with status crashed tagged nope in ${home}\n`);
    const empty = await cli(emptyHome, ['runs']);
    assert.equal(empty.code, 0);
    assert.equal(empty.out, `no runs in ${emptyHome}\n`);
    assert.equal((await cli(emptyHome, ['runs', '--json'])).out, '[]\n');
  });

  void it('bad options and an unknown flow exit 2 with one line', async () => {
    const status = await run('runs', '--status', 'done');
    assert.equal(status.code, 2);
    assert.equal(status.err, "sluice: --status must be one of running, succeeded, failed, crashed, got 'done'\n");
    const limit = await run('runs', '--limit', 'ten');
    assert.equal(limit.code, 2);
    assert.equal(limit.err, 'sluice: --limit must be an integer >= 0, got "ten"\n');
    const flow = await run('runs', 'Nope');
    assert.equal(flow.code, 2);
    assert.equal(flow.err, `sluice: no flow 'Nope' in ${home}; flows: ClientBasic, ClientWide\n`);
    const flag = await run('runs', '--colour');
    assert.equal(flag.code, 2);
    assert.match(flag.err, /^error: unknown option '--colour'/);
  });
});

void describe('sluice logs', () => {
  void it("prints a task's stdout to stdout and its stderr to stderr", async () => {
    const result = await run('logs', `${ok}/start/1`);
    assert.equal(result.code, 0);
    assert.equal(result.out, 'hello from start\n');
    assert.equal(result.err, 'warn from start\n');
  });

  void it('--stderr / --stdout pick a stream (to stdout); a one-task step pathspec works', async () => {
    assert.deepEqual(await run('logs', `${ok}/start`, '--stderr'), { code: 0, out: 'warn from start\n', err: '' });
    assert.deepEqual(await run('logs', `${ok}/start`, '--stdout', '--attempt', '0'), { code: 0, out: 'hello from start\n', err: '' });
    const quiet = await run('logs', `${ok}/end/3`);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.err, `(${ok}/end/3 attempt 0 wrote nothing to stdout or stderr)\n`);
  });

  void it('a missing attempt, a run pathspec and a many-task step exit 2', async () => {
    const attempt = await run('logs', `${ok}/start/1`, '--attempt', '1');
    assert.deepEqual(attempt, { code: 2, out: '', err: `sluice: task ${ok}/start/1 has no attempt 1 (it has only attempt 0)\n` });
    const runSpec = await run('logs', ok);
    assert.equal(runSpec.code, 2);
    assert.equal(runSpec.err, `sluice: logs needs a step or task pathspec (Flow/RunId/Step[/TaskId]), got the run '${ok}'\n`);
    const many = await run('logs', `${wide}/square`);
    assert.equal(many.code, 2);
    assert.match(many.err, new RegExp(`^sluice: step ${wide}/square has 30 tasks; name one with a task pathspec, e\\.g\\. ${wide}/square/2, `));
    const wrongStep = await run('logs', `${ok}/middle/1`);
    assert.equal(wrongStep.code, 2);
    assert.equal(wrongStep.err, `sluice: task 1 of run ${ok} is in step 'start', not 'middle': use ${ok}/start/1\n`);
  });
});

void describe('sluice dump', () => {
  void it('a run: summary, steps and end artifacts', async () => {
    const result = await run('dump', ok);
    assert.equal(result.code, 0);
    assert.match(result.out, new RegExp(`^Run ${ok}\n {2}status +succeeded\n {2}user +ann\n`));
    assert.match(result.out, /\n {2}params +fail=false\n {2}tags +exp, keep\n {2}system tags +runtime:local, user:ann\n/);
    assert.match(result.out, /\n {2}start +1 +1 +0 +0\n {2}middle +1 +1 +0 +0\n {2}end +1 +1 +0 +0\n/);
    assert.match(result.out, new RegExp(`\nEnd artifacts \\(${ok}/end/3\\)\n {2}NAME +TYPE +SIZE +VALUE\n {2}summary +object +\\d+ B +\\{ shout: 'HI!HI!HI!', length: 9 \\}\n$`));
    const failedRun = await run('dump', failed);
    assert.match(failedRun.out, /\n {2}error +step 'middle' task 2 failed: Error: boom on purpose\n/);
    assert.match(failedRun.out, /\nNo end artifacts: the run did not reach its end step\.\n$/);
  });

  void it('a run as JSON carries the end artifacts with their values', async () => {
    const data = JSON.parse((await run('dump', ok, '--json')).out) as {
      run: { status: string; tags: string[] };
      steps: { step: string; tasks: number }[];
      artifacts: { name: string; type: string; value: unknown; producer: string }[];
    };
    assert.equal(data.run.status, 'succeeded');
    assert.deepEqual(
      data.steps.map((s) => [s.step, s.tasks]),
      [
        ['start', 1],
        ['middle', 1],
        ['end', 1],
      ],
    );
    assert.deepEqual(
      data.artifacts.map((a) => [a.name, a.type, a.value, a.producer]),
      [['summary', 'object', { shout: 'HI!HI!HI!', length: 9 }, `${ok}/end/3`]],
    );
  });

  void it('a task: its artifacts (own and inherited) with type, size and origin', async () => {
    const result = await run('dump', `${wide}/square/7`);
    assert.equal(result.code, 0);
    assert.match(result.out, new RegExp(`^Task ${wide}/square/7\n {2}status +done \\(attempt 0\\)\n`));
    assert.match(result.out, /\n {2}foreach +square\[5\] of 30, item 5\n/);
    assert.match(result.out, /\n {2}items +Array\(30\) +4\.3 KiB +start\/1 +\[ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, \.\.\. 20 more items \]\n/);
    assert.match(result.out, /\n {2}label +string +\d+ B +start\/1 +'squares'\n/);
    assert.match(result.out, /\n {2}sq +number +\d+ B +\(own\) +25\n$/);
  });

  void it('one artifact: readable by default, JSON with --json; a one-task step or a run names the task', async () => {
    assert.deepEqual(await run('dump', `${ok}/end/3`, '--artifact', 'summary'), { code: 0, out: "{ shout: 'HI!HI!HI!', length: 9 }\n", err: '' });
    const squares = await run('dump', `${wide}/collect`, '--artifact', 'squares', '--json');
    assert.deepEqual(
      JSON.parse(squares.out),
      Array.from({ length: 30 }, (_, i) => i * i),
    );
    assert.equal((await run('dump', wide, '--artifact', 'total')).out, `${(29 * 30 * 59) / 6}\n`);
    const inherited = await run('dump', `${wide}/square/4`, '--artifact', 'label', '--json');
    assert.equal(inherited.out, '"squares"\n');
  });

  void it('a many-task step lists its tasks', async () => {
    const result = await run('dump', `${wide}/square`);
    const lines = result.out.trimEnd().split('\n');
    assert.equal(lines[0], `Step ${wide}/square (30 tasks)`);
    assert.match(lines[1]!, /^ {2}TASK +STATUS +INDEX +DURATION$/);
    assert.match(lines[2]!, /^ {2}2 +done +0\/30 +\d+ms$/);
    assert.equal(lines.length, 32);
  });

  void it('a missing artifact, a flow pathspec and a bad pathspec exit 2', async () => {
    const missing = await run('dump', `${ok}/end/3`, '--artifact', 'nope');
    assert.deepEqual(missing, { code: 2, out: '', err: `sluice: task ${ok}/end/3 has no artifact 'nope'; artifacts: greeting, n, shout, summary\n` });
    const flow = await run('dump', 'ClientBasic');
    assert.equal(flow.code, 2);
    assert.equal(flow.err, "sluice: dump needs a run, step or task pathspec, got the flow 'ClientBasic' (list its runs with: sluice runs ClientBasic)\n");
    const bad = await run('dump', 'ClientBasic/123');
    assert.equal(bad.code, 2);
    assert.equal(bad.err, "sluice: pathspec 'ClientBasic/123': '123' is not a run id (15 characters of 0-9 and a-z) nor 'latest'\n");
  });
});

void describe('sluice tag', () => {
  void it('adds, removes and lists user tags', async () => {
    const added = await run('tag', 'add', wide, 'best', 'v2');
    assert.equal(added.code, 0);
    assert.equal(added.out, `${wide}\n  tags         best, v2\n  system tags  runtime:local, user:ann\n`);
    const removed = await run('tag', 'remove', wide, 'v2');
    assert.equal(removed.code, 0);
    assert.deepEqual(JSON.parse((await run('tag', 'list', wide, '--json')).out), { run: wide, tags: ['best'], systemTags: ['runtime:local', 'user:ann'] });
    assert.deepEqual(JSON.parse((await run('runs', '--tag', 'best', '--json')).out).map((r: { pathspec: string }) => r.pathspec), [wide]);
  });

  void it('rejects empty, over-long and system tags with one line and exit 2', async () => {
    assert.deepEqual(await run('tag', 'add', wide, ''), { code: 2, out: '', err: `sluice: cannot add tag "" on run ${wide}: tags must not be empty\n` });
    const long = await run('tag', 'add', wide, 'x'.repeat(501));
    assert.equal(long.code, 2);
    assert.match(long.err, /^sluice: cannot add tag "x{40}"… on run ClientWide\/\w+: tag is 501 characters long; the limit is 500\n$/);
    assert.deepEqual(await run('tag', 'remove', wide, 'runtime:local'), {
      code: 2,
      out: '',
      err: `sluice: cannot remove tag 'runtime:local' on run ${wide}: it is a system tag, and system tags are immutable\n`,
    });
    const spoof = await run('tag', 'add', wide, 'user:mallory');
    assert.equal(spoof.code, 2);
    assert.match(spoof.err, /the 'user:' prefix is reserved for system tags/);
    const none = await run('tag', 'add', wide);
    assert.equal(none.code, 2);
    assert.match(none.err, /missing required argument 'tags'/);
    const step = await run('tag', 'list', `${wide}/start`);
    assert.equal(step.code, 2);
    assert.equal(step.err, `sluice: '${wide}/start' is a step pathspec; expected a run pathspec (Flow/RunId)\n`);
    assert.deepEqual(JSON.parse((await run('tag', 'list', wide, '--json')).out).tags, ['best']);
  });
});

void describe('--help', () => {
  void it('every read command documents its flags', async () => {
    const expected: Record<string, RegExp[]> = {
      runs: [/--tag <tag>/, /--status <status>/, /--limit <n>/, /--json/],
      logs: [/--stdout/, /--stderr/, /--attempt <n>/],
      dump: [/--artifact <name>/, /--json/, /--full/],
      tag: [/add \[options\] <run> <tags\.\.\.>/, /remove \[options\] <run> <tags\.\.\.>/, /list \[options\] <run>/],
    };
    for (const [command, patterns] of Object.entries(expected)) {
      const help = await run(command, '--help');
      assert.equal(help.code, 0, command);
      for (const pattern of patterns) assert.match(help.out, pattern, `${command} --help`);
    }
  });
});

void describe('read commands through src/cli/main.ts', { skip: !mainHasReadCommands() && 'main.ts does not register the read commands yet' }, () => {
  void it('runs --json, logs, dump --artifact --json', async () => {
    const runs = await spawnCli(home, ['runs', 'ClientBasic', '--json']);
    assert.equal(runs.code, 0, runs.err);
    assert.deepEqual(
      (JSON.parse(runs.out) as { pathspec: string }[]).map((r) => r.pathspec),
      [failed, ok],
    );
    const logs = await spawnCli(home, ['logs', `${ok}/start/1`]);
    assert.deepEqual(logs, { code: 0, out: 'hello from start\n', err: 'warn from start\n' });
    const dump = await spawnCli(home, ['dump', ok, '--artifact', 'summary', '--json']);
    assert.deepEqual(JSON.parse(dump.out), { shout: 'HI!HI!HI!', length: 9 });
  });

  void it('usage errors exit 2 with one line', async () => {
    const tag = await spawnCli(home, ['tag', 'add', ok, '']);
    assert.equal(tag.code, 2);
    assert.equal(tag.err, `sluice: cannot add tag "" on run ${ok}: tags must not be empty\n`);
    const flag = await spawnCli(home, ['dump', ok, '--bogus']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /unknown option '--bogus'/);
  });
});
