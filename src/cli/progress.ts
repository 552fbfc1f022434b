/**
 * How `sluice run` shows a run: a live status line on a terminal, throttled plain lines
 * otherwise, nothing but the outcome with --quiet, and one JSON event per line with --json.
 */
import type { RunObserver, TaskFailureReport } from '../runtime/observer.js';

export type ProgressMode = 'tty' | 'plain' | 'quiet' | 'json';

interface Counts {
  done: number;
  failed: number;
  running: number;
}

/** Writes a failure the way a user can act on it: where, which item, what, and the last lines printed. */
export function formatFailure(f: TaskFailureReport): string {
  const item = f.item ? ` (foreach '${f.item.step}' item ${f.item.index} of ${f.item.count})` : '';
  const lines = [`✗ step '${f.step}' task ${f.taskId}${item} failed: ${f.error.type}: ${f.error.message}`, `  task: ${f.pathspec}`];
  if (f.logTail) lines.push('  last output:', ...f.logTail.split('\n').map((l) => `    ${l}`));
  if (f.error.kind === 'user' && f.error.stack) {
    const frames = f.error.stack.split('\n').filter((l) => l.trim().startsWith('at ') && !l.includes('node_modules') && !l.includes('node:'));
    if (frames.length) lines.push('  at:', ...frames.slice(0, 3).map((l) => `    ${l.trim().slice(3)}`));
  }
  lines.push(`  logs: sluice logs ${f.pathspec}`);
  return lines.join('\n');
}

export function createProgress(mode: ProgressMode, write: (text: string) => void, writeErr: (text: string) => void): RunObserver {
  const perStep = new Map<string, Counts>();
  let steps: readonly string[] = [];
  let lastDraw = 0;
  let statusShown = false;
  let timer: NodeJS.Timeout | undefined;
  const counts = (step: string): Counts => {
    let c = perStep.get(step);
    if (!c) perStep.set(step, (c = { done: 0, failed: 0, running: 0 }));
    return c;
  };
  const summary = (): string => {
    const parts = steps
      .filter((s) => perStep.has(s))
      .map((s) => {
        const c = perStep.get(s)!;
        const total = c.done + c.failed + c.running;
        return `${s} ${c.done}/${total}${c.running ? ` ▶${c.running}` : ''}${c.failed ? ` ✗${c.failed}` : ''}`;
      });
    const stepsDone = steps.filter((s) => {
      const c = perStep.get(s);
      return c && c.running === 0 && c.done > 0;
    }).length;
    return `[${stepsDone}/${steps.length} steps] ${parts.join(' · ')}`;
  };
  const clearStatus = (): void => {
    if (mode === 'tty' && statusShown) {
      write('\r\x1b[K');
      statusShown = false;
    }
  };
  const draw = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastDraw < (mode === 'tty' ? 100 : 2000)) {
      if (!timer) timer = setTimeout(() => ((timer = undefined), draw(true)), mode === 'tty' ? 100 : 2000);
      return;
    }
    lastDraw = now;
    if (mode === 'tty') {
      const cols = process.stdout.columns ?? 100;
      write(`\r\x1b[K${summary().slice(0, cols - 1)}`);
      statusShown = true;
    } else if (mode === 'plain') write(`${summary()}\n`);
  };
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  if (mode === 'json') {
    const emit = (event: Record<string, unknown>): void => write(`${JSON.stringify({ time: Date.now(), ...event })}\n`);
    return {
      runStarted: (info) => emit({ event: 'run-started', ...info }),
      taskStarted: (t) => emit({ event: 'task-started', step: t.step, taskId: t.taskId }),
      taskFinished: (t) => emit({ event: 'task-finished', ...t }),
      log: (c) => emit({ event: 'log', ...c }),
      stray: (workerId, stream, text) => emit({ event: 'worker-output', workerId, stream, text }),
      runFinished: (info) => emit({ event: 'run-finished', ...info }),
      taskRetry: (t) => emit({ event: 'task-retry', ...t }),
      warning: (message) => emit({ event: 'warning', message }),
      info: (message) => emit({ event: 'info', message }),
    };
  }

  return {
    runStarted(info) {
      steps = info.steps;
      if (mode !== 'quiet') {
        write(`Running ${info.flow}/${info.runId} (${info.executor}, ${info.workers} worker${info.workers === 1 ? '' : 's'})\n`);
      }
    },
    taskStarted(t) {
      // A retried task stays counted as running while it waits for its next attempt.
      if (!t.attempt) counts(t.step).running++;
      if (mode === 'tty' || mode === 'plain') draw();
    },
    taskFinished(t) {
      const c = counts(t.step);
      c.running--;
      if (t.ok) c.done++;
      else c.failed++;
      if (t.failure && mode !== 'quiet') {
        clearStatus();
        writeErr(`${formatFailure(t.failure)}\n`);
      }
      if (mode === 'tty' || mode === 'plain') draw();
    },
    log(chunk) {
      if (mode === 'quiet') return;
      clearStatus();
      const prefix = `[${chunk.step}/${chunk.taskId}] `;
      const text = chunk.text.endsWith('\n') ? chunk.text.slice(0, -1) : chunk.text;
      const out = text
        .split('\n')
        .map((line) => prefix + line)
        .join('\n');
      (chunk.stream === 'stderr' ? writeErr : write)(`${out}\n`);
      if (mode === 'tty') draw();
    },
    taskRetry(t) {
      if (mode !== 'quiet') {
        clearStatus();
        writeErr(`↻ ${t.step}/${t.taskId} attempt ${t.attempt - 1} failed (${t.error.type}: ${t.error.message}); retrying in ${(t.delayMs / 1000).toFixed(1)}s\n`);
      }
    },
    warning(message) {
      clearStatus();
      writeErr(`warning: ${message}\n`);
    },
    info(message) {
      if (mode === 'quiet') return;
      clearStatus();
      write(`${message}\n`);
      if (mode === 'tty') draw();
    },
    stray(workerId, stream, text) {
      if (mode === 'quiet') return;
      clearStatus();
      (stream === 'stderr' ? writeErr : write)(`[worker ${workerId}] ${text}${text.endsWith('\n') ? '' : '\n'}`);
    },
    runFinished(info) {
      stop();
      clearStatus();
      if (mode === 'tty' || mode === 'plain') write(`${summary()}\n`);
      const secs = (info.durationMs / 1000).toFixed(1);
      if (info.status === 'succeeded') {
        write(`✓ ${info.flow}/${info.runId} succeeded in ${secs}s (${info.tasks} tasks)\n`);
        if (mode !== 'quiet') {
          write(`  results: sluice dump ${info.flow}/${info.runId}   (store: ${info.home})\n`);
        }
      } else {
        writeErr(`✗ ${info.flow}/${info.runId} failed after ${secs}s (${info.failures.length} failed task${info.failures.length === 1 ? '' : 's'})\n`);
      }
    },
  };
}
