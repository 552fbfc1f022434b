/**
 * Test helper run as a separate process: writes task batches into a metadata store, so a test
 * can read the same file from another process meanwhile. Usage: writer-process.ts <file> <batches> <size>
 */
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite.js';
import { makeRun, makeTask } from './metadata-fixtures.js';

const [file, batches, size] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const store = new SqliteMetadataStore(file);
await store.createRun(makeRun('r0001'));
process.stdout.write('started\n');
for (let b = 0; b < batches; b++) {
  await store.write(
    Array.from({ length: size }, (_, i) => ({ op: 'task' as const, write: { task: makeTask('r0001', b * size + i, { status: 'done' }) } })),
  );
}
await store.close();
