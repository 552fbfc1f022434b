import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Client, ClientError, NoStoreError, PathspecError, type RunHandle, type TaskHandle } from '../../src/client/index.js';
import { makeRuns } from './fixture-runs.js';

const home = mkdtempSync(join(tmpdir(), 'sluice-client-'));
const client = new Client({ home });
const ids = { ok: '', failed: '', wide: '', nested: '' };

before(async () => {
  [ids.ok, ids.failed, ids.nested, ids.wide] = (await makeRuns(home, [
    { file: 'client-basic.ts', tags: ['exp', 'keep'] },
    { file: 'client-basic.ts', tags: ['exp'], params: { fail: true } },
    { file: 'client-nested.ts' },
    { file: 'client-wide.ts' },
  ])) as [string, string, string, string];
});

after(async () => {
  await client.close();
  rmSync(home, { recursive: true, force: true });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

void describe('Client: flows and runs', () => {
  void it('lists the flows that ran, by name', async () => {
    assert.deepEqual(
      (await client.flows()).map((f) => f.name),
      ['ClientBasic', 'ClientNested', 'ClientWide'],
    );
  });

  void it('run ids sort by creation time; runs() is newest first', async () => {
    assert.ok(ids.ok < ids.failed && ids.failed < ids.nested && ids.nested < ids.wide);
    const flow = await client.flow('ClientBasic');
    assert.deepEqual(
      (await flow.runs()).map((r) => r.id),
      [ids.failed, ids.ok],
    );
    assert.deepEqual(
      (await client.runs()).map((r) => r.id),
      [ids.wide, ids.nested, ids.failed, ids.ok],
    );
  });

  void it('latest run is the failed one; latest successful skips it', async () => {
    const flow = await client.flow('ClientBasic');
    const latest = (await flow.latestRun())!;
    assert.equal(latest.id, ids.failed);
    assert.equal(latest.status, 'failed');
    assert.match(latest.error ?? '', /step 'middle' task 2 failed: Error: boom on purpose/);
    const good = (await flow.latestSuccessfulRun())!;
    assert.equal(good.id, ids.ok);
    assert.equal(good.status, 'succeeded');
    assert.equal((await client.run('ClientBasic/latest')).id, ids.failed);
  });

  void it('filters runs by tags (all must match) and by status', async () => {
    const flow = await client.flow('ClientBasic');
    const byTags = async (tags: string[]): Promise<string[]> => (await flow.runs({ tags })).map((r) => r.id);
    assert.deepEqual(await byTags(['exp']), [ids.failed, ids.ok]);
    assert.deepEqual(await byTags(['exp', 'keep']), [ids.ok]);
    assert.deepEqual(await byTags(['keep', 'nothing-has-this']), []);
    assert.deepEqual(await byTags(['user:ann', 'keep']), [ids.ok]);
    assert.deepEqual(
      (await flow.runs({ status: 'failed' })).map((r) => r.id),
      [ids.failed],
    );
    assert.deepEqual(
      (await client.runs({ limit: 2 })).map((r) => r.id),
      [ids.wide, ids.nested],
    );
  });

  void it('a run carries params, tags, system tags, user and timings', async () => {
    const r = await client.run(`ClientBasic/${ids.ok}`);
    assert.equal(r.pathspec, `ClientBasic/${ids.ok}`);
    assert.deepEqual(r.params, { fail: false });
    assert.deepEqual(r.tags, ['exp', 'keep']);
    assert.deepEqual(r.systemTags, ['runtime:local', 'user:ann']);
    assert.equal(r.user, 'ann');
    assert.ok(r.timings.endedAt! >= r.timings.createdAt);
    assert.equal(r.timings.durationMs, r.timings.endedAt! - r.timings.createdAt);
    assert.match(r.flowFile, /client-basic\.ts$/);
  });

  void it("run.data() is the end task's artifacts; a failed run has none", async () => {
    const ok = await client.run(`ClientBasic/${ids.ok}`);
    const data = await ok.data();
    assert.deepEqual(data.summary, { shout: 'HI!HI!HI!', length: 9 });
    assert.equal(data.greeting, 'hi'); // inherited from start through middle
    const failed = await client.run(`ClientBasic/${ids.failed}`);
    await assert.rejects(failed.data(), (e: Error) => e instanceof ClientError && /has no end artifacts: it has no end task \(run status failed\)/.test(e.message));
  });

  void it('steps come in the order they first ran, with task counts per status', async () => {
    const ok = await client.run(`ClientBasic/${ids.ok}`);
    assert.deepEqual(
      (await ok.steps()).map((s) => s.name),
      ['start', 'middle', 'end'],
    );
    const failed = await client.run(`ClientBasic/${ids.failed}`);
    const steps = await failed.steps();
    assert.deepEqual(
      steps.map((s) => [s.name, s.counts.done, s.counts.failed]),
      [
        ['start', 1, 0],
        ['middle', 0, 1],
      ],
    );
  });
});

void describe('Client: tasks', () => {
  const task = (spec: string): Promise<TaskHandle> => client.task(spec);

  void it('a task has status, attempt, worker and timings', async () => {
    const t = await task(`ClientBasic/${ids.ok}/start/1`);
    assert.equal(t.status, 'done');
    assert.equal(t.attempt, 0);
    assert.match(t.workerId ?? '', /^inline-\d+$/);
    const { queuedAt, startedAt, endedAt, durationMs } = t.timings;
    assert.ok(queuedAt <= startedAt! && startedAt! <= endedAt!);
    assert.equal(durationMs, endedAt! - startedAt!);
  });

  void it('artifacts include inherited ones, with their producer; values load on demand', async () => {
    const end = await task(`ClientBasic/${ids.ok}/end/3`);
    assert.deepEqual(await end.artifactNames(), ['greeting', 'n', 'shout', 'summary']);
    const infos = await end.artifacts();
    assert.deepEqual(
      infos.map((a) => [a.name, a.producer, a.inherited, a.type]),
      [
        ['greeting', `ClientBasic/${ids.ok}/start/1`, true, 'string'],
        ['n', `ClientBasic/${ids.ok}/start/1`, true, 'number'],
        ['shout', `ClientBasic/${ids.ok}/middle/2`, true, 'string'],
        ['summary', `ClientBasic/${ids.ok}/end/3`, false, 'object'],
      ],
    );
    assert.equal(await end.artifact('n'), 3);
    assert.equal(await end.artifact('shout'), 'HI!HI!HI!');
    await assert.rejects(end.artifact('nope'), /task ClientBasic\/\w+\/end\/3 has no artifact 'nope'; artifacts: greeting, n, shout, summary/);
  });

  void it('a failed task records no outputs but still sees its inputs', async () => {
    const middle = await task(`ClientBasic/${ids.failed}/middle/2`);
    assert.equal(middle.status, 'failed');
    assert.equal(middle.error?.type, 'Error');
    assert.equal(middle.error?.message, 'boom on purpose');
    assert.deepEqual(await middle.artifactNames(), ['greeting', 'n']);
    await assert.rejects(middle.artifact('shout'), /has no artifact 'shout' \(the task is failed: only finished tasks record outputs\)/);
  });

  void it('reads stdout and stderr per attempt', async () => {
    const start = await task(`ClientBasic/${ids.ok}/start/1`);
    assert.equal(await start.stdout(), 'hello from start\n');
    assert.equal(await start.stderr(), 'warn from start\n');
    assert.equal(await start.stdout({ attempt: 0 }), 'hello from start\n');
    await assert.rejects(start.stdout({ attempt: 1 }), /has no attempt 1 \(it has only attempt 0\)/);
    const end = await task(`ClientBasic/${ids.ok}/end/3`);
    assert.equal(await end.stdout(), '');
  });

  void it('parents and children follow the graph', async () => {
    const middle = await task(`ClientBasic/${ids.ok}/middle/2`);
    assert.deepEqual(
      (await middle.parents()).map((t) => t.pathspec),
      [`ClientBasic/${ids.ok}/start/1`],
    );
    assert.deepEqual(
      (await middle.children()).map((t) => t.pathspec),
      [`ClientBasic/${ids.ok}/end/3`],
    );
    const end = await task(`ClientBasic/${ids.ok}/end/3`);
    assert.deepEqual(await end.children(), []);
    const start = await task(`ClientBasic/${ids.ok}/start/1`);
    assert.deepEqual(await start.parents(), []);
  });

  void it('a step with one task resolves to it; run.task(id) finds any task', async () => {
    const step = await client.step(`ClientBasic/${ids.ok}/middle`);
    assert.equal(step.taskCount, 1);
    assert.equal((await step.task()).id, 2);
    const r = await client.run(`ClientBasic/${ids.ok}`);
    assert.equal((await r.task(3)).step, 'end');
    assert.deepEqual(
      (await collect(r.tasks())).map((t) => `${t.step}/${t.id}`),
      ['start/1', 'middle/2', 'end/3'],
    );
  });
});

void describe('Client: a 1,200-item foreach', () => {
  let wide: RunHandle;
  before(async () => {
    wide = await client.run(`ClientWide/${ids.wide}`);
  });

  void it('lists all 1,203 tasks of the run, paging under the hood', async () => {
    const all = await collect(wide.tasks());
    assert.equal(all.length, 1203);
    assert.deepEqual(
      all.map((t) => t.id),
      Array.from({ length: 1203 }, (_, i) => i + 1),
    );
    const steps = await wide.steps();
    assert.deepEqual(
      steps.map((s) => [s.name, s.taskCount]),
      [
        ['start', 1],
        ['square', 1200],
        ['collect', 1],
        ['end', 1],
      ],
    );
  });

  void it("the foreach step's 1,200 tasks come in split order with their foreach stack", async () => {
    const square = await wide.step('square');
    const tasks = await square.taskList();
    assert.equal(tasks.length, 1200);
    tasks.forEach((t, i) => {
      assert.equal(t.foreachStack.length, 1);
      const [frame] = t.foreachStack;
      assert.deepEqual([frame!.step, frame!.index, frame!.count, frame!.splitStep], ['square', i, 1200, 'start']);
      assert.equal(t.index, i);
    });
    // Items load lazily, each on its own.
    assert.equal(tasks[0]!.foreachStack[0]!.item, 0);
    assert.equal(tasks[777]!.foreachStack[0]!.item, 777);
    await assert.rejects(square.task(), /step ClientWide\/\w+\/square has 1200 tasks; name one with a task pathspec, e.g. ClientWide\/\w+\/square\/2,/);
  });

  void it('the join lists its 1,200 inputs in split order', async () => {
    const join = await (await wide.step('collect')).task();
    const inputs = await join.parents();
    assert.equal(inputs.length, 1200);
    assert.deepEqual(
      inputs.map((t) => t.index),
      Array.from({ length: 1200 }, (_, i) => i),
    );
    assert.equal(await inputs[1199]!.artifact('sq'), 1199 * 1199);
    const squares = await join.artifact<number[]>('squares');
    assert.deepEqual(
      squares.slice(0, 5),
      [0, 1, 4, 9, 16],
    );
    assert.equal(squares.length, 1200);
    const start = await wide.task(1);
    assert.equal((await start.children()).length, 1200);
  });

  void it('a split task inherits from start; a join sees only its own outputs', async () => {
    const split = await client.task(`ClientWide/${ids.wide}/square/12`);
    assert.deepEqual(await split.artifactNames(), ['items', 'label', 'sq']);
    assert.equal(await split.artifact('sq'), 100);
    const items = await split.artifact<number[]>('items');
    assert.equal(items.length, 1200);
    const infos = await split.artifacts();
    assert.equal(infos.find((a) => a.name === 'items')!.itemized, true);
    const join = await (await wide.step('collect')).task();
    assert.deepEqual(await join.artifactNames(), ['squares']);
    assert.deepEqual(Object.keys(await wide.data()), ['squares', 'total']);
    assert.equal((await wide.data()).total, (1199 * 1200 * 2399) / 6);
  });
});

void describe('Client: nested foreach', () => {
  void it('each inner task has a two-level foreach stack with lazily loaded items', async () => {
    const r = await client.run(`ClientNested/${ids.nested}`);
    const inner = await (await r.step('inner')).taskList();
    assert.equal(inner.length, 6);
    const seen = [];
    for (const t of inner) {
      assert.deepEqual(
        t.foreachStack.map((f) => [f.step, f.count]),
        [
          ['outer', 2],
          ['inner', 3],
        ],
      );
      const [outer, innerFrame] = t.foreachStack;
      seen.push(`${outer!.index}.${innerFrame!.index}=${String(outer!.item)}${String(innerFrame!.item)}`);
      assert.equal(await t.artifact('pair'), `${String(outer!.item)}${String(innerFrame!.item)}`);
    }
    assert.deepEqual(seen.sort(), ['0.0=a10', '0.1=a20', '0.2=a30', '1.0=b11', '1.1=b21', '1.2=b31']);
    // Inherited through both levels: letters (start), nums (outer), pair (own).
    assert.deepEqual(await inner[0]!.artifactNames(), ['letters', 'nums', 'pair']);
    const innerJoins = await (await r.step('innerJoin')).taskList();
    assert.deepEqual(
      innerJoins.map((t) => t.foreachStack.map((f) => f.step)),
      [['outer'], ['outer']],
    );
    assert.deepEqual(await innerJoins[0]!.artifactNames(), ['pairs']);
    assert.deepEqual((await r.data()).pairs, ['a10', 'a20', 'a30', 'b11', 'b21', 'b31']);
  });
});

void describe('Client: pathspec errors name what is wrong and what exists', () => {
  void it('malformed pathspecs', async () => {
    await assert.rejects(client.get('ClientBasic//start'), (e: Error) => e instanceof PathspecError && /empty run part/.test(e.message));
    await assert.rejects(client.get('ClientBasic/notarunid'), /'notarunid' is not a run id \(15 characters of 0-9 and a-z\) nor 'latest'/);
    await assert.rejects(client.get(`ClientBasic/${ids.ok}/start/x1`), /task id 'x1' must be a positive integer/);
    await assert.rejects(client.get('a/b/c/d/e'), /has 5 parts; expected at most 4/);
    await assert.rejects(client.run(`ClientBasic/${ids.ok}/start`), /is a step pathspec; expected a run pathspec \(Flow\/RunId\)/);
  });

  void it('unknown flow, run, step and task', async () => {
    await assert.rejects(client.run(`Nope/${ids.ok}`), /run \w+ belongs to flow 'ClientBasic', not 'Nope': use ClientBasic\/\w+/);
    await assert.rejects(client.flow('clientbasic'), /no flow 'clientbasic' in .* \(did you mean 'ClientBasic'\?\); flows: ClientBasic, ClientNested, ClientWide/);
    await assert.rejects(client.run('ClientBasic/0000000000zzzzz'), new RegExp(`flow 'ClientBasic' has no run '0000000000zzzzz'; latest runs: ${ids.failed}, ${ids.ok}`));
    await assert.rejects(client.step(`ClientBasic/${ids.failed}/end`), /has no step 'end' \(steps that ran: start, middle\)/);
    await assert.rejects(client.task(`ClientBasic/${ids.ok}/end/1`), /task 1 of run ClientBasic\/\w+ is in step 'start', not 'end': use ClientBasic\/\w+\/start\/1/);
    await assert.rejects(client.task(`ClientBasic/${ids.ok}/end/9`), /step ClientBasic\/\w+\/end has no task 9 \(task ids 3\)/);
    await assert.rejects((await client.run(`ClientWide/${ids.wide}`)).task(5000), /has no task 5000 \(task ids 1-1203\)/);
  });

  void it('a home where nothing ran says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sluice-client-empty-'));
    const other = new Client(empty);
    try {
      await assert.rejects(other.flows(), (e: Error) => e instanceof NoStoreError && /no Sluice store at .*nothing has run with this home yet/.test(e.message));
    } finally {
      await other.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

void describe('Client: tags', () => {
  void it('adds and removes user tags', async () => {
    let r = await client.run(`ClientNested/${ids.nested}`);
    r = await r.addTags(['alpha', 'beta', 'alpha']);
    assert.deepEqual(r.tags, ['alpha', 'beta']);
    r = await r.removeTags(['alpha', 'never-set']);
    assert.deepEqual(r.tags, ['beta']);
    assert.deepEqual(
      (await (await client.flow('ClientNested')).runs({ tags: ['beta'] })).map((x) => x.id),
      [ids.nested],
    );
  });

  void it('rejects empty, over-long, non-string and system tags', async () => {
    const r = await client.run(`ClientNested/${ids.nested}`);
    await assert.rejects(r.addTags(['  ']), /cannot add tag " {2}" on run ClientNested\/\w+: tags must not be empty/);
    await assert.rejects(r.addTags(['x'.repeat(501)]), /tag is 501 characters long; the limit is 500/);
    await r.addTags(['y'.repeat(500)]);
    await assert.rejects(r.addTags([42 as unknown as string]), /tags must be strings, got number/);
    await assert.rejects(r.addTags([]), /no tags to add/);
    await assert.rejects(r.removeTags(['runtime:local']), /cannot remove tag 'runtime:local' .*system tags are immutable/);
    await assert.rejects(r.addTags(['user:ann']), /it is a system tag/);
    await assert.rejects(r.addTags(['user:mallory']), /the 'user:' prefix is reserved for system tags/);
    assert.deepEqual((await r.refresh()).systemTags, ['runtime:local', 'user:ann']);
  });
});

void describe('Client: lazy artifact values', () => {
  void it('task.data() loads nothing until a value is read', async () => {
    const pathspec = `ClientBasic/${ids.ok}/end/3`;
    const info = (await (await client.task(pathspec)).artifacts()).find((a) => a.name === 'shout')!;
    // Damage one value (small, so kept inline in its metadata row): the record still builds and
    // other values still load; only that one fails.
    assert.ok(info.inline);
    const db = new Database(join(home, 'meta.db'));
    assert.equal(db.prepare('UPDATE artifacts SET inline = ? WHERE run_id = ? AND name = ?').run(Buffer.from('x'), ids.ok, 'shout').changes, 1);
    db.close();
    const data = await (await client.task(pathspec)).data();
    assert.deepEqual(Object.keys(data), ['greeting', 'n', 'shout', 'summary']);
    assert.equal(data.greeting, 'hi');
    assert.throws(() => data.shout, (e: Error) => e instanceof ClientError && /cannot load artifact 'shout' of ClientBasic\/\w+\/middle\/2: inline value/.test(e.message));
  });
});
