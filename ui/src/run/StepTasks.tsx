/**
 * The tasks of one step, a page at a time, filtered by status (a 10,000-task step never loads
 * at once). Each task links to the task drawer.
 */
import { useEffect, useState } from 'react';
import { apiGet, query, seg } from '../api';
import { ErrorBox, Loading, StatusBadge } from '../components/common';
import { formatDuration } from '../format';
import { Link, withParams } from '../router';
import type { StatusCounts, TaskPage, TaskSummary } from '../types';

const PAGE = 100;
const FILTERS = ['all', 'running', 'failed', 'done', 'pending'] as const;

export function StepTasks({
  flow,
  runId,
  step,
  counts,
  version,
}: {
  readonly flow: string;
  readonly runId: string;
  readonly step: string;
  readonly counts: StatusCounts | undefined;
  /** Changes (at most every few seconds) while the run's state changes: the first page is reloaded. */
  readonly version: number;
}) {
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('all');
  const [tasks, setTasks] = useState<TaskSummary[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>();
  const base = `/api/runs/${seg(flow)}/${seg(runId)}/tasks`;

  const load = (after: number | undefined, append: boolean, signal?: AbortSignal): void => {
    setLoading(true);
    apiGet<TaskPage>(`${base}${query({ step, status: filter === 'all' ? undefined : filter, after, limit: PAGE })}`, signal).then(
      (page) => {
        setTasks((prev) => (append ? [...prev, ...page.tasks] : page.tasks));
        setNext(page.nextCursor);
        setLoading(false);
        setError(undefined);
      },
      (e: Error) => {
        if (signal?.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    const controller = new AbortController();
    load(undefined, false, controller.signal);
    return () => controller.abort();
    // `load` is recreated every render; the inputs that matter are listed.
  }, [flow, runId, step, filter, version]);

  const count = (f: (typeof FILTERS)[number]): number | undefined =>
    counts ? (f === 'all' ? counts.pending + counts.running + counts.done + counts.failed : counts[f]) : undefined;

  return (
    <section className="step-tasks" aria-label={`Tasks of step ${step}`}>
      <div className="filter-row" role="group" aria-label="Filter tasks by status">
        {FILTERS.map((f) => (
          <button key={f} type="button" className={filter === f ? 'chip active' : 'chip'} aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f} {count(f) !== undefined && <span className="muted">{count(f)}</span>}
          </button>
        ))}
      </div>
      {error && <ErrorBox error={error} what="tasks" />}
      {tasks.length === 0 && loading && <Loading what="tasks" />}
      {tasks.length === 0 && !loading && !error && <p className="muted">No {filter === 'all' ? '' : `${filter} `}tasks.</p>}
      {tasks.length > 0 && (
        <table className="grid tasks">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Index</th>
              <th scope="col">Status</th>
              <th scope="col">Attempt</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.taskId}>
                <td>
                  <Link to={withParams({ task: t.taskId, tab: null, attempt: null })} data-task-link={t.taskId}>
                    {`${t.step}/${t.taskId}`}
                  </Link>
                </td>
                <td>{t.index ?? '–'}</td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>{t.attempt}</td>
                <td>{formatDuration(t.durationMs)}</td>
                <td className="error-cell">{t.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <button type="button" className="more" disabled={loading} onClick={() => load(next, true)}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
