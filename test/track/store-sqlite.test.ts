import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteMetadataStore } from '../../src/store/metadata/sqlite.js';
import { describeTrackingStore } from './store-conformance.js';

const base = mkdtempSync(join(tmpdir(), 'sluice-track-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;

describeTrackingStore('sqlite', () => new SqliteMetadataStore(join(base, `meta${counter++}.db`)));
