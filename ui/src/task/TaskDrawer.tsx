/**
 * The task drawer: logs (live tail, search, attempt selector), artifacts with previews, and the
 * task's details (foreach stack, timings, resource use, parents, error with stack trace).
 */
import { useEffect, useRef } from 'react';
import { seg } from '../api';
import { ErrorBox, Facts, Loading, StatusBadge, Tabs } from '../components/common';
import { formatBytes, formatDuration, formatTime } from '../format';
import { useApi } from '../hooks';
import { Link, setParams, useRoute, withParams } from '../router';
import type { Preview, TaskDetail } from '../types';
import { Artifacts } from './Artifacts';
import { LogView } from './LogView';
import { PreviewView } from './PreviewView';

const TABS = [
  { id: 'logs', label: 'Logs' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'details', label: 'Details' },
];

export function TaskDrawer({ flow, runId, taskId, onClose }: { readonly flow: string; readonly runId: string; readonly taskId: number; readonly onClose: () => void }) {
  const { params } = useRoute();
  const tab = params.get('tab') ?? 'logs';
  const stream = params.get('stream') === 'stderr' ? 'stderr' : 'stdout';
  const base = `/api/runs/${seg(flow)}/${seg(runId)}/tasks/${taskId}`;
  const detail = useApi<TaskDetail>(base);
  const panel = useRef<HTMLElement | null>(null);
  const task = detail.data?.task;
  const finished = task?.status === 'done' || task?.status === 'failed';
  const attemptParam = params.get('attempt');
  const attempt = attemptParam !== null && /^\d+$/.test(attemptParam) ? Number(attemptParam) : (task?.attempt ?? 0);

  useEffect(() => panel.current?.focus(), [taskId]);
  useEffect(() => {
    const key = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [onClose]);
  // While the task is unfinished, its record changes: look again every 2 s.
  useEffect(() => {
    if (!task || finished) return;
    const id = window.setInterval(() => detail.reload(), 2000);
    return () => window.clearInterval(id);
  }, [task?.status, finished]);

  return (
    <aside className="drawer" role="dialog" aria-modal="false" aria-labelledby="drawer-title" tabIndex={-1} ref={panel}>
      <header className="drawer-head">
        <h2 id="drawer-title">
          {task ? `${task.step}/${task.taskId}` : `task ${taskId}`}
          {task?.index !== null && task?.index !== undefined && <span className="muted small">{` item ${task.index}`}</span>}
        </h2>
        {task && <StatusBadge status={task.status} />}
        <button type="button" className="close" aria-label="Close task" onClick={onClose}>
          ×
        </button>
      </header>
      {detail.error && <ErrorBox error={detail.error} what={`task ${taskId}`} />}
      {!task && !detail.error && <Loading what={`task ${taskId}`} />}
      {task && (
        <>
          <Tabs tabs={TABS} current={tab} onSelect={(id) => setParams({ tab: id === 'logs' ? null : id, artifact: null })} label="Task views" />
          <div className="tabpanel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === 'logs' && (
              <>
                <div className="log-head">
                  <div className="filter-row" role="group" aria-label="Stream">
                    {(['stdout', 'stderr'] as const).map((s) => (
                      <button key={s} type="button" className={s === stream ? 'chip active' : 'chip'} aria-pressed={s === stream} onClick={() => setParams({ stream: s === 'stdout' ? null : s })}>
                        {s}
                      </button>
                    ))}
                  </div>
                  {task.attempt > 0 && (
                    <label>
                      Attempt{' '}
                      <select value={attempt} onChange={(e) => setParams({ attempt: e.target.value })}>
                        {Array.from({ length: task.attempt + 1 }, (_, i) => {
                          const status = task.attempts.find((a) => a.attempt === i)?.status;
                          return (
                            <option key={i} value={i}>
                              {`${i}${status ? ` (${status})` : ''}${i === task.attempt ? ' latest' : ''}`}
                            </option>
                          );
                        })}
                      </select>
                    </label>
                  )}
                </div>
                <LogView base={base} stream={stream} attempt={attempt} live={!finished && attempt === task.attempt} onEnd={() => detail.reload()} />
              </>
            )}
            {tab === 'artifacts' && <Artifacts base={base} artifacts={detail.data!.artifacts} />}
            {tab === 'details' && <Details detail={detail.data!} />}
          </div>
        </>
      )}
    </aside>
  );
}

function Details({ detail }: { readonly detail: TaskDetail }) {
  const t = detail.task;
  const stats = t.stats;
  return (
    <div className="details">
      {t.errorDetail && (
        <section className="task-error" role="alert">
          <h3>{`${t.errorDetail.type} (${t.errorDetail.kind} error)`}</h3>
          <p>{t.errorDetail.message}</p>
          {t.errorDetail.stack && <pre className="stack">{t.errorDetail.stack}</pre>}
        </section>
      )}
      <h3>Timings</h3>
      <Facts
        rows={[
          ['queued', formatTime(t.queuedAt)],
          ['started', formatTime(t.startedAt)],
          ['ended', formatTime(t.endedAt)],
          ['duration', formatDuration(t.durationMs)],
          ['waited', t.startedAt !== null ? formatDuration(t.startedAt - t.queuedAt) : '–'],
          ['attempts', String(t.attempt + 1)],
          ['worker', t.workerId ?? '–'],
          ['pathspec', <span key="p" className="mono">{t.pathspec}</span>],
          ...(t.originPathspec ? ([['cloned from', <span key="o" className="mono">{t.originPathspec}</span>]] as const) : []),
        ]}
      />
      {t.attempts.length > 1 && (
        <>
          <h3>Attempts</h3>
          <table className="grid attempts">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Worker</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {t.attempts.map((a) => (
                <tr key={a.attempt}>
                  <td>{a.attempt}</td>
                  <td>{a.status}</td>
                  <td>{a.startedAt !== null && a.endedAt !== null ? formatDuration(a.endedAt - a.startedAt) : '–'}</td>
                  <td>{a.workerId ?? '–'}</td>
                  <td className="error-cell" title={a.error?.stack ?? undefined}>
                    {a.error ? `${a.error.type}: ${a.error.message}${a.retryDelayMs !== null ? ` (retried after ${formatDuration(a.retryDelayMs)})` : ''}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {t.foreachStack.length > 0 && (
        <>
          <h3>Foreach stack</h3>
          <ol className="stack-frames">
            {t.foreachStack.map((f, i) => (
              <li key={i}>
                <span>{f.kind === 'foreach' ? `${f.step}: item ${f.index} of ${f.count}` : `branch ${f.step} (${f.index + 1} of ${f.count})`}</span>
                <span className="muted small">{` opened by ${f.splitStep}/${f.splitTaskId}`}</span>
                {f.item && <PreviewView preview={f.item as unknown as Preview} />}
                {!f.item && f.itemBytes !== null && <span className="muted small">{` (item of ${formatBytes(f.itemBytes)}; too large to show here)`}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
      {t.parentCount > 0 && (
        <>
          <h3>{t.parentCount === 1 ? 'Parent' : `Parents (${t.parentCount})`}</h3>
          <p className="parents">
            {t.parentTaskIds.map((id) => (
              <Link key={id} to={withParams({ task: id, tab: 'details', attempt: null })}>
                {`task ${id}`}
              </Link>
            ))}
            {t.parentCount > t.parentTaskIds.length && <span className="muted">{` … and ${t.parentCount - t.parentTaskIds.length} more`}</span>}
          </p>
        </>
      )}
      {stats && (
        <>
          <h3>Resources</h3>
          <Facts
            rows={[
              ['wall', formatDuration(stats.wallMs)],
              ['in step code', formatDuration(stats.userMs)],
              ['CPU user / system', `${formatDuration(stats.cpuUserMs)} / ${formatDuration(stats.cpuSystemMs)}`],
              ['peak RSS', formatBytes(stats.peakRssBytes)],
              ['peak heap', formatBytes(stats.peakHeapBytes)],
              ['artifacts read', `${formatBytes(stats.bytesRead)} in ${formatDuration(stats.loadMs)}`],
              ['artifacts written', `${formatBytes(stats.bytesWritten)} in ${formatDuration(stats.storeMs)}`],
            ]}
          />
        </>
      )}
    </div>
  );
}
