/**
 * Runs across flows, newest first: filter by flow, status, tag and search terms (all kept in the
 * URL), cursor pages ("Load more"), and live updates while runs start, progress and finish.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { apiGet, query } from '../api';
import { Empty, ErrorBox, Loading, StatusBadge, TagList } from '../components/common';
import { formatDuration, formatTime } from '../format';
import { useApi, useNow, useStream, useThrottle } from '../hooks';
import { Link, navigate, setParams, useRoute } from '../router';
import type { RunPage, RunSummary } from '../types';

const STATUSES = ['running', 'succeeded', 'failed', 'crashed'] as const;

export function RunsPage() {
  const { params } = useRoute();
  const flow = params.get('flow') ?? '';
  const status = params.get('status') ?? '';
  const tag = params.get('tag') ?? '';
  const q = params.get('q') ?? '';
  const firstPath = `/api/runs${query({ flow, status, tag, q, limit: 50 })}`;
  const first = useApi<RunPage>(firstPath);
  const flows = useApi<{ flows: { name: string }[] }>('/api/flows');
  const [more, setMore] = useState<{ runs: RunSummary[]; next: string | null; loading: boolean; error?: Error }>({ runs: [], next: null, loading: false });
  const [search, setSearch] = useState(q);
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (pathspec: string): void => setPicked((p) => (p.includes(pathspec) ? p.filter((x) => x !== pathspec) : [...p, pathspec].slice(-20)));

  useEffect(() => setMore({ runs: [], next: null, loading: false }), [firstPath]);
  useEffect(() => setSearch(q), [q]);

  const reloadFirst = useThrottle(() => {
    first.reload();
    flows.reload();
  }, 1000);
  useStream('/api/live/runs', (event) => {
    if (event === 'changed') reloadFirst();
  });

  const shown = first.data ? [...first.data.runs, ...more.runs.filter((r) => !first.data!.runs.some((f) => f.runId === r.runId))] : [];
  const next = more.runs.length > 0 ? more.next : (first.data?.nextCursor ?? null);
  const anyRunning = shown.some((r) => r.status === 'running');
  const now = useNow(anyRunning);

  const loadMore = (): void => {
    if (!next) return;
    setMore((m) => ({ ...m, loading: true }));
    apiGet<RunPage>(`/api/runs${query({ flow, status, tag, q, limit: 50, before: next })}`).then(
      (page) => setMore((m) => ({ runs: [...m.runs, ...page.runs], next: page.nextCursor, loading: false })),
      (error: Error) => setMore((m) => ({ ...m, loading: false, error })),
    );
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setParams({ q: search.trim() });
  };
  const filtered = flow !== '' || status !== '' || tag !== '' || q !== '';

  return (
    <section className="page" aria-labelledby="runs-title">
      <header className="page-head">
        <h1 id="runs-title">Runs</h1>
      </header>
      <form className="filters" onSubmit={submit} role="search">
        <label>
          Flow
          <select value={flow} onChange={(e) => setParams({ flow: e.target.value })}>
            <option value="">all flows</option>
            {flows.data?.flows.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setParams({ status: e.target.value })}>
            <option value="">any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <input type="text" defaultValue={tag} key={tag} placeholder="tag" onBlur={(e) => setParams({ tag: e.target.value.trim() })} onKeyDown={(e) => e.key === 'Enter' && setParams({ tag: e.currentTarget.value.trim() })} />
        </label>
        <label className="grow">
          Search
          <input type="search" value={search} placeholder="terms (flow, run id, tag, param=value) or metrics.auc > 0.8 and params.model = 'rf'" onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button type="submit">Search</button>
        <button type="button" disabled={picked.length < 2} onClick={() => navigate(`/compare?runs=${picked.map(encodeURIComponent).join(',')}`)} title="Tick two or more runs to compare them">
          {`Compare${picked.length > 0 ? ` (${picked.length})` : ''}`}
        </button>
        {filtered && (
          <button type="button" className="link" onClick={() => setParams({ flow: '', status: '', tag: '', q: '' })}>
            Clear filters
          </button>
        )}
      </form>
      {first.error && <ErrorBox error={first.error} what="runs" />}
      {!first.data && first.loading && <Loading what="runs" />}
      {first.data && shown.length === 0 && <Empty>{filtered ? 'No runs match these filters.' : 'No runs yet. Run a flow with `sluice run flow.ts`; it appears here as it starts.'}</Empty>}
      {shown.length > 0 && (
        <table className="grid runs">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">User</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((run) => (
              <tr key={run.runId} data-run={run.runId}>
                <td>
                  <input type="checkbox" aria-label={`Select ${run.pathspec} to compare`} checked={picked.includes(run.pathspec)} onChange={() => toggle(run.pathspec)} />
                </td>
                <td>
                  <Link to={`/runs/${encodeURIComponent(run.flow)}/${encodeURIComponent(run.runId)}`}>
                    <span className="flow-name">{run.flow}</span>/<span className="mono">{run.runId}</span>
                  </Link>
                </td>
                <td>
                  <StatusBadge status={run.status} />
                  {run.progress && (
                    <span className="muted small">
                      {' '}
                      {run.progress.done}/{run.progress.pending + run.progress.running + run.progress.done + run.progress.failed} tasks
                    </span>
                  )}
                </td>
                <td>{formatTime(run.createdAt)}</td>
                <td>{run.status === 'running' ? `${formatDuration(now - run.createdAt)}…` : formatDuration(run.durationMs)}</td>
                <td>{run.user}</td>
                <td>
                  <TagList tags={run.tags} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more.error && <ErrorBox error={more.error} what="more runs" />}
      {next && (
        <button type="button" className="more" onClick={loadMore} disabled={more.loading}>
          {more.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
