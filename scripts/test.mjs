#!/usr/bin/env node
// Runs the test suite with node:test through tsx, from the explicit list in test/files.txt.
// An empty list, or a listed file that does not exist, fails: a suite that silently runs nothing is a defect.
// `npm test -- path/to/a.test.ts ...` runs just those files (each must be in the list).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const listFile = join(root, 'test', 'files.txt');
const listed = readFileSync(listFile, 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);

if (listed.length === 0) {
  console.error(`test: ${listFile} lists no test files; refusing to report success for an empty suite`);
  process.exit(1);
}
const missing = listed.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.error(`test: listed in test/files.txt but missing: ${missing.join(', ')}`);
  process.exit(1);
}

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const unknown = requested.filter((file) => !listed.includes(file));
if (unknown.length > 0) {
  console.error(`test: not in test/files.txt: ${unknown.join(', ')} (add them to the list first)`);
  process.exit(1);
}
const files = requested.length > 0 ? requested : listed;

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...flags, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SLUICE_TESTING: '1' } },
);
process.exit(result.status ?? 1);
