/**
 * A long-lived scikit-learn worker process (bench/ml-parity/sklearn_worker.py) answering one fit
 * request per line, so the benchmark can interleave scikit-learn's fits with ours.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

export const PYTHON = '/usr/bin/python3';

/** The installed scikit-learn version, or undefined when it cannot be imported. */
export function sklearnVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export interface SklearnResult {
  readonly score: number;
  readonly fit_seconds: number;
  readonly n_iter: number | null;
}

export class SklearnWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private exited: string | undefined;

  constructor(script: string, foldFile: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(PYTHON, [script, foldFile], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[sklearn] ${chunk.toString()}`));
    this.child.on('exit', (code, signal) => {
      this.exited = `scikit-learn worker exited (${code ?? signal})`;
      for (const p of this.pending.splice(0)) p('');
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  /** Fits one model on one fold on the Python side. */
  async fit(dataset: string, model: string, fold: number): Promise<SklearnResult> {
    if (this.exited) throw new Error(this.exited);
    const line = await new Promise<string>((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(JSON.stringify({ dataset, model, fold }) + '\n');
    });
    if (!line) throw new Error(this.exited ?? 'scikit-learn worker returned nothing');
    return JSON.parse(line) as SklearnResult;
  }

  close(): void {
    this.child.stdin.end();
    this.lines.close();
  }
}
