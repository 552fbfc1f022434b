#!/usr/bin/env node
// Runs the benchmarks listed in bench/files.txt (or those named on the command line), one process each.
// Each benchmark prints `name: figure (ratio vs baseline)` lines; this script only sequences them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const listed = readFileSync(join(root, 'bench', 'files.txt'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);
const wanted = process.argv.slice(2);
const files = wanted.length > 0 ? listed.filter((file) => wanted.some((w) => file.includes(w))) : listed;
if (files.length === 0) {
  console.error('bench: no benchmark matched');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
