import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { envName, flagName, param, resolveParams, ParamValueError } from '../../src/flow/params.js';
import { runFixture, tempHome } from '../helpers/run.js';

const home = tempHome();
after(() => home.cleanup());
const dir = mkdtempSync(join(tmpdir(), 'sluice-params-'));
const notes = join(dir, 'notes.txt');
writeFileSync(notes, 'hello notes');

describe('param parsing and validation', () => {
  test('each kind parses its CLI form', () => {
    assert.equal(param.int().parse('42', 'n'), 42);
    assert.equal(param.int().parse('1_000', 'n'), 1000);
    assert.equal(param.float().parse('0.25', 'r'), 0.25);
    assert.equal(param.boolean().parse('yes', 'v'), true);
    assert.equal(param.boolean().parse('0', 'v'), false);
    assert.equal(param.enum(['a', 'b']).parse('b', 'm'), 'b');
    assert.deepEqual(param.list({ of: 'int' }).parse('1,2,3', 'l'), [1, 2, 3]);
    assert.deepEqual(param.list({ of: 'float' }).parse('[0.5, 2]', 'l'), [0.5, 2]);
    assert.deepEqual(param.list().parse('a, b', 'l'), ['a', 'b']);
    assert.deepEqual(param.json().parse('{"a":[1]}', 'j'), { a: [1] });
    assert.equal(param.file().parse(notes, 'f'), 'hello notes');
  });

  test('bad values name the parameter and what was expected', () => {
    assert.throws(() => param.int().parse('4.5', 'count'), /parameter 'count': expected an integer, got "4.5"/);
    assert.throws(() => param.int({ min: 1 }).check(0, 'count'), /expected an integer >= 1, got 0/);
    assert.throws(() => param.float().parse('abc', 'rate'), /parameter 'rate': expected a number/);
    assert.throws(() => param.boolean().parse('maybe', 'v'), /expected true or false/);
    assert.throws(() => param.enum(['fast', 'slow']).parse('medium', 'mode'), /expected one of "fast", "slow", got "medium"/);
    assert.throws(() => param.list({ of: 'int' }).parse('1,x', 'sizes'), /parameter 'sizes\[1\]'/);
    assert.throws(() => param.json().parse('{oops', 'config'), /parameter 'config': expected a JSON value/);
    assert.throws(() => param.file().parse(join(dir, 'missing.txt'), 'notes'), /parameter 'notes': cannot read file/);
  });

  test('names map to flags and env variables', () => {
    assert.equal(flagName('learningRate'), 'learning-rate');
    assert.equal(envName('learningRate'), 'SLUICE_PARAM_LEARNING_RATE');
  });

  test('resolution order: CLI over env over values over default; all problems reported together', async () => {
    const specs = { a: param.int({ default: 1 }), b: param.int({ default: 2 }), c: param.int({ default: 3 }) };
    const resolved = await resolveParams('F', specs, { cli: { a: '10' }, env: { SLUICE_PARAM_A: '20', SLUICE_PARAM_B: '21' }, values: { c: 30 } });
    assert.deepEqual(resolved, { a: 10, b: 21, c: 30 });
    await assert.rejects(
      resolveParams('F', { need: param.int(), x: param.int({ default: 1 }) }, { cli: { x: 'bad', typo: '1' } }),
      (error: unknown) => {
        assert.ok(error instanceof ParamValueError);
        assert.match(error.message, /unknown parameter 'typo'/);
        assert.match(error.message, /parameter 'need' is required .*--need <value>.*SLUICE_PARAM_NEED/);
        assert.match(error.message, /parameter 'x': expected an integer, got "bad"/);
        return true;
      },
    );
  });
});

describe('params in a run', () => {
  test('values reach every step unchanged; computed default runs once per run; assignment throws', async () => {
    const counter = join(dir, 'counter.txt');
    writeFileSync(counter, '');
    // The computed default runs in this (the coordinator's) process.
    process.env.PARAMS_COUNTER_FILE = counter;
    const run = await runFixture('params.ts', {
      home: home.home,
      params: { cli: { notes, count: '7', sizes: '4,5' } },
      env: { SLUICE_PARAM_MODE: 'slow' },
    });
    delete process.env.PARAMS_COUNTER_FILE;
    assert.equal(run.result.status, 'succeeded', JSON.stringify(run.result.failures));
    const [seen] = (await run.values('start', 'seen')) as Record<string, unknown>[];
    assert.equal(seen!.count, 7);
    assert.equal(seen!.mode, 'slow');
    assert.deepEqual(seen!.sizes, [4, 5]);
    assert.deepEqual(seen!.config, { depth: 2 });
    assert.equal(seen!.notes, 'hello notes');
    assert.equal(seen!.verbose, false);
    const [joined] = (await run.values('join', 'stamps')) as string[][];
    assert.equal(new Set(joined).size, 1, 'every step sees the same computed default');
    assert.equal(joined![0], seen!.stamp);
    assert.equal(readFileSync(counter, 'utf8'), 'x', 'the computed default was evaluated exactly once');
    const [error] = await run.values('join', 'error');
    assert.match(String(error), /parameters are read-only: step 'a' tried to change 'count'/);
    assert.match(String((await run.values('join', 'nested'))[0]), /read-only/);
    const record = await run.store.meta.getRun(run.result.runId);
    assert.equal(record!.params.count, 7);
    await run.close();
  });

  test('invalid params fail before any run is created', async () => {
    const isolated = tempHome();
    await assert.rejects(
      runFixture('params.ts', { home: isolated.home, params: { cli: { notes, count: '0' } } }),
      /flow Params: invalid parameters:\n {2}- parameter 'count': expected an integer >= 1, got 0/,
    );
    await assert.rejects(runFixture('params.ts', { home: isolated.home }), /parameter 'notes' is required/);
    isolated.cleanup();
  });
});
