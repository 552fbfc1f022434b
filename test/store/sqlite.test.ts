import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SchemaVersionError } from '../../src/store/errors.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../src/store/metadata/schema.js';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite.js';
import { describeMetadataStore, makeRun, makeTask } from './metadata-conformance.js';

const base = mkdtempSync(join(tmpdir(), 'sluice-meta-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;
const freshFile = (): string => join(base, `meta${counter++}.db`);

describeMetadataStore('sqlite', () => new SqliteMetadataStore(freshFile()));

const V2: Migration = {
  version: 2,
  description: 'test: notes table and a runs column',
  statements: ['CREATE TABLE notes (run_id TEXT NOT NULL, body TEXT NOT NULL)', 'ALTER TABLE runs ADD COLUMN note TEXT'],
};

void describe('SqliteMetadataStore', () => {
  void it('sets WAL, synchronous NORMAL, a 10 s busy timeout and foreign keys', async () => {
    const file = freshFile();
    const store = new SqliteMetadataStore(file);
    await store.close();
    const db = new Database(file);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    // Per-connection pragmas: check through the store's own connection.
    const again = new SqliteMetadataStore(file);
    const conn = (again as unknown as { db: Database.Database }).db;
    assert.equal(conn.pragma('synchronous', { simple: true }), 1);
    assert.equal(conn.pragma('busy_timeout', { simple: true }), 10_000);
    assert.equal(conn.pragma('foreign_keys', { simple: true }), 1);
    await again.close();
  });

  void it('records the schema version in the meta table', async () => {
    const file = freshFile();
    const store = new SqliteMetadataStore(file);
    assert.equal(store.schemaVersion, SCHEMA_VERSION);
    await store.close();
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get(), { value: String(SCHEMA_VERSION) });
    db.close();
  });

  void it('refuses a database written by a newer schema, saying to upgrade', async () => {
    const file = freshFile();
    await new SqliteMetadataStore(file, { migrations: [...MIGRATIONS, { ...V2, version: SCHEMA_VERSION + 1 }] }).close();
    assert.throws(
      () => new SqliteMetadataStore(file),
      (error: unknown) => {
        assert.ok(error instanceof SchemaVersionError);
        assert.equal(
          error.message,
          `metadata store ${file} was written by a newer Sluice (schema ${SCHEMA_VERSION + 1}, this build knows ${SCHEMA_VERSION}): upgrade sluice`,
        );
        return true;
      },
    );
  });

  void it('migrates an older database in place, keeping its data', async () => {
    const file = freshFile();
    // A database as schema 1 left it, with rows written in schema 1's columns.
    await new SqliteMetadataStore(file, { migrations: [MIGRATIONS[0]!] }).close();
    const raw = new Database(file);
    raw.exec(`INSERT INTO flows VALUES ('TrainFlow', 1)`);
    raw.exec(`INSERT INTO runs (run_id, flow, status, created_at, user_name, flow_file, code_digest, params, coordinator_pid, coordinator_host, heartbeat_at)
      VALUES ('r0001', 'TrainFlow', 'succeeded', 1, 'ann', '/f.ts', 'c0de', '{}', 1, 'box', 1)`);
    raw.exec(`INSERT INTO tasks (run_id, task_id, step, status, attempt, parent_task_ids, foreach_stack, queued_at)
      VALUES ('r0001', 1, 'start', 'done', 0, '[]', '[]', 1)`);
    raw.close();

    const latest = SCHEMA_VERSION + 1;
    const migrated = new SqliteMetadataStore(file, { migrations: [...MIGRATIONS, { ...V2, version: latest }] });
    assert.equal(migrated.schemaVersion, latest);
    const run = await migrated.getRun('r0001');
    assert.equal(run?.runId, 'r0001');
    assert.equal(run?.graph, null, 'columns added later read as absent for old rows');
    assert.equal((await migrated.getTask('r0001', 1))?.taskId, 1);
    await migrated.close();
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get(), { value: String(latest) });
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM notes').get(), { n: 0 });
    assert.ok((db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).some((c) => c.name === 'note'));
    db.close();
  });

  void it('rolls back a migration that fails, leaving the old version', async () => {
    const file = freshFile();
    await new SqliteMetadataStore(file, { migrations: [MIGRATIONS[0]!] }).close();
    const broken: Migration = { version: 2, description: 'broken', statements: ['CREATE TABLE half (x TEXT)', 'NOT SQL AT ALL'] };
    assert.throws(() => new SqliteMetadataStore(file, { migrations: [MIGRATIONS[0]!, broken] }), /migrating .* to schema 2 \(broken\) failed/);
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get(), { value: '1' });
    assert.equal(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half'`).get(), undefined);
    db.close();
  });

  void it('a reader is not blocked while another connection holds a write transaction', async () => {
    const file = freshFile();
    const writer = new SqliteMetadataStore(file);
    await writer.createRun(makeRun('r0001'));
    await writer.write([{ op: 'task', write: { task: makeTask('r0001', 1) } }]);

    // A raw connection standing in for another process mid-write: it holds the write lock.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    other.prepare(`UPDATE tasks SET status = 'done' WHERE task_id = 1`).run();

    // Opening and reading during the write sees the last committed state, without "database is locked".
    const reader = new SqliteMetadataStore(file);
    const viewer = new SqliteMetadataStore(file, { readonly: true });
    assert.equal((await reader.getTask('r0001', 1))?.status, 'pending');
    assert.equal((await viewer.getTask('r0001', 1))?.status, 'pending');
    assert.deepEqual((await viewer.listRuns()).map((r) => r.runId), ['r0001']);

    other.exec('COMMIT');
    assert.equal((await reader.getTask('r0001', 1))?.status, 'done');
    assert.equal((await viewer.getTask('r0001', 1))?.status, 'done');
    other.close();
    for (const store of [writer, reader, viewer]) await store.close();
  });

  void it('a reader in this process never sees "database is locked" while another process writes', async () => {
    const file = freshFile();
    const batches = 40;
    const size = 500;
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'writer-process.ts'), file, String(batches), String(size)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', () => reject(new Error(`writer exited before starting: ${stderr}`)));
    });

    const reader = new SqliteMetadataStore(file, { readonly: true });
    const seen: number[] = [];
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      // Each read sees a committed prefix of the writer's batches: whole batches, never half of one.
      const counts = await reader.countTasks('r0001');
      const total = counts.start?.done ?? 0;
      assert.equal(total % size, 0, `saw ${total} tasks, not a whole number of ${size}-task batches`);
      seen.push(total);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.equal(await exited, 0, stderr);
    assert.equal((await reader.countTasks('r0001')).start?.done, batches * size);
    assert.ok(seen.length > 0);
    await reader.close();
  });

  void it('two stores on one file see each other\'s committed writes', async () => {
    const file = freshFile();
    const a = new SqliteMetadataStore(file);
    const b = new SqliteMetadataStore(file);
    await a.createRun(makeRun('r0001'));
    await b.write([{ op: 'event', runId: 'r0001', time: 1, kind: 'from-b', payload: {} }]);
    assert.deepEqual((await a.listEvents({})).map((e) => e.kind), ['from-b']);
    await a.close();
    await b.close();
  });

  void it('a read-only open of a database that does not exist fails, naming the file', () => {
    const file = join(base, 'missing', 'meta.db');
    assert.throws(() => new SqliteMetadataStore(file, { readonly: true }), { name: 'StoreError', message: /cannot open metadata store .*missing\/meta\.db/ });
  });
});
