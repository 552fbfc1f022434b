#!/usr/bin/env node
// Builds dist/ from src/ and the web UI (ui/ → dist/ui). Run by `npm install` through `prepare`.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function run(label, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
run('tsc', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
const bin = join(root, 'dist', 'cli', 'main.js');
if (existsSync(bin)) chmodSync(bin, 0o755);

// The web UI: type-check it, then bundle it with Vite into dist/ui (served by `sluice ui`).
// Vite and React are devDependencies: without them (a production install) the UI step is skipped.
const vitePackage = (() => {
  try {
    return require.resolve('vite/package.json');
  } catch {
    return undefined;
  }
})();
if (vitePackage) {
  run('tsc (ui)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join('ui', 'tsconfig.json')]);
  run('vite (ui)', process.execPath, [join(dirname(vitePackage), 'bin', 'vite.js'), 'build', 'ui', '--logLevel', 'warn']);
} else {
  console.warn('build: vite is not installed; skipping the web UI (sluice ui will say it is not built)');
}
