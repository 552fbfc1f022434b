/**
 * Test helper: runs fixture flows into a Sluice home in ONE child process on the inline executor.
 * Fast (no worker pool per run), and task output never passes through the test process's stdout,
 * which node:test uses for its own reporting.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export interface FixtureRun {
  /** File name under test/fixtures/flows/. */
  readonly file: string;
  readonly tags?: readonly string[];
  /** Typed param values. */
  readonly params?: Readonly<Record<string, unknown>>;
}

const FLOWS = join(import.meta.dirname, '..', 'fixtures', 'flows');
const SELF = fileURLToPath(import.meta.url);

/** Runs the flows in order (user `ann`) and returns their run ids. Failed runs are expected and fine. */
export function makeRuns(home: string, runs: readonly FixtureRun[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', SELF, home, JSON.stringify(runs)],
      { env: { ...process.env, SLUICE_HOME: home }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`fixture runs failed: ${error.message}\n${stderr}`));
        const last = stdout.trim().split('\n').at(-1) ?? '';
        resolve(JSON.parse(last) as string[]);
      },
    );
  });
}

async function main(home: string, runs: FixtureRun[]): Promise<void> {
  const { runFlow } = await import('../../src/runtime/run.js');
  const ids: string[] = [];
  for (const run of runs) {
    const result = await runFlow({
      file: join(FLOWS, run.file),
      home,
      executor: 'inline',
      user: 'ann',
      tags: run.tags,
      params: run.params ? { values: run.params } : undefined,
      env: {},
    });
    ids.push(result.runId);
  }
  process.stdout.write(`\n${JSON.stringify(ids)}\n`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === pathToFileURL(SELF).href) {
  await main(process.argv[2]!, JSON.parse(process.argv[3]!) as FixtureRun[]);
}
