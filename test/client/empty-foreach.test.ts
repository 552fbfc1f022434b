import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../../src/client/index.js';
import { runFixture, tempHome } from '../helpers/run.js';

test('a foreach over an empty list runs its join with no inputs; the join inherits nothing', async () => {
  const home = tempHome();
  const run = await runFixture('empty-foreach.ts', { home: home.home });
  assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
  assert.equal(run.step('each').length, 0);
  assert.deepEqual(await run.values('join', 'count'), [0]);
  await run.close();

  const client = new Client({ home: home.home });
  const join = (await client.run(run.result.pathspec)).step('join');
  const task = (await (await join).taskList())[0]!;
  assert.deepEqual(await task.artifactNames(), ['count'], 'the join sees only what it returned, not start\'s artifacts');
  await client.close();
  home.cleanup();
});
