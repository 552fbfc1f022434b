import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openBlobStore, openLogStore, openStore, resolveHome } from '../../src/store/home.js';
import * as store from '../../src/store/index.js';
import { makeRun } from './metadata-conformance.js';

const base = mkdtempSync(join(tmpdir(), 'sluice-home-'));
after(() => rmSync(base, { recursive: true, force: true }));

void describe('resolveHome', () => {
  void it('uses SLUICE_HOME, resolved against cwd when relative', () => {
    assert.equal(resolveHome({ SLUICE_HOME: '/data/sluice' }, '/work'), '/data/sluice');
    assert.equal(resolveHome({ SLUICE_HOME: 'state' }, '/work/project'), '/work/project/state');
  });

  void it('defaults to <cwd>/.sluice (also for an empty SLUICE_HOME)', () => {
    assert.equal(resolveHome({}, '/work/project'), '/work/project/.sluice');
    assert.equal(resolveHome({ SLUICE_HOME: '' }, '/work/project'), '/work/project/.sluice');
  });
});

void describe('openStore', () => {
  void it('creates the home and opens meta.db, cas/ and logs/ in it', async () => {
    const home = join(base, 'a', 'home');
    const opened = openStore(home);
    assert.equal(opened.home, home);
    assert.ok(existsSync(join(home, 'meta.db')));
    await opened.meta.createRun(makeRun('r0001'));
    const ref = opened.blobs.put(Buffer.from('blob'));
    assert.ok(existsSync(join(home, 'cas', ref.digest.slice(0, 2), ref.digest.slice(2, 4), ref.digest)));
    const key = { flow: 'TrainFlow', runId: 'r0001', step: 'start', taskId: 1, attempt: 0 };
    const writer = opened.logs.open(key, 'stdout');
    writer.write('hi');
    writer.close();
    assert.ok(existsSync(join(home, 'logs', 'TrainFlow', 'r0001', 'start', '1.0.stdout')));
    await opened.close();

    // Worker-side openers see the same blobs and logs without opening the database.
    assert.equal(Buffer.from(openBlobStore(home).get(ref.digest)).toString(), 'blob');
    assert.equal(openLogStore(home).read(key, 'stdout'), 'hi');
    const again = openStore(home);
    assert.equal((await again.meta.getRun('r0001'))?.runId, 'r0001');
    await again.close();
  });

  void it('opening blob and log stores touches no disk until used', () => {
    const home = join(base, 'untouched');
    openBlobStore(home);
    openLogStore(home);
    assert.equal(existsSync(home), false);
  });
});

void describe('store index', () => {
  void it('re-exports the backends, codecs, errors, ids and home helpers', () => {
    for (const name of [
      'FsArtifactStore',
      'FsLogStore',
      'SqliteMetadataStore',
      'StoreError',
      'BlobNotFoundError',
      'SchemaVersionError',
      'CodecError',
      'encodeValue',
      'decodeValue',
      'registerCodec',
      'newRunId',
      'openStore',
      'resolveHome',
      'SCHEMA_VERSION',
    ]) {
      assert.ok(name in store, `missing export ${name}`);
    }
  });
});
