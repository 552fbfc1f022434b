/**
 * One run: header (status, timings, user, tags, error), then the live DAG with a step's tasks,
 * the timeline, the per-step profile and the params. The open step, view and task are in the
 * URL. While the run executes, a server-sent event stream updates the counts as they change.
 */
import { useEffect, useMemo, useState } from 'react';
import { query, seg } from '../api';
import { ErrorBox, Facts, Loading, StatusBadge, Tabs, TagList } from '../components/common';
import { formatDuration, formatTime, formatValue } from '../format';
import { useApi, useNow, useStream, useThrottle } from '../hooks';
import { RunMetrics } from '../metrics/RunMetrics';
import { Link, setParams, useRoute } from '../router';
import { Dag } from '../run/Dag';
import { Profile } from '../run/Profile';
import { StepTable } from '../run/StepTable';
import { StepTasks } from '../run/StepTasks';
import { Timeline } from '../run/Timeline';
import { TaskDrawer } from '../task/TaskDrawer';
import type { RunDetail, RunLive, RunSteps, RunSummary, StatusCounts, Timeline as TimelineData } from '../types';

const VIEWS = [
  { id: 'graph', label: 'Graph' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'steps', label: 'Steps' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'params', label: 'Params' },
];

export function RunPage({ flow, runId }: { readonly flow: string; readonly runId: string }) {
  const { params } = useRoute();
  const view = params.get('view') ?? 'graph';
  const step = params.get('step');
  const taskParam = params.get('task');
  const taskId = taskParam !== null && /^\d+$/.test(taskParam) ? Number(taskParam) : null;
  const base = `/api/runs/${seg(flow)}/${seg(runId)}`;
  const detail = useApi<RunDetail>(base);
  const timeline = useApi<TimelineData>(view === 'timeline' ? `${base}/timeline${query({})}` : null);
  const [live, setLive] = useState<RunLive | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => setLive(null), [base]);

  const running = (live?.run.status ?? detail.data?.run.status) === 'running';
  const refresh = useThrottle(() => {
    detail.reload();
    if (view === 'timeline') timeline.reload();
    setVersion((v) => v + 1);
  }, 2000);
  useStream(detail.data?.run.status === 'running' ? `${base}/live` : null, (event, data) => {
    if (event === 'state') {
      setLive(data as RunLive);
      refresh();
    } else if (event === 'end') {
      detail.reload();
      timeline.reload();
      setVersion((v) => v + 1);
    }
  });

  const data = detail.data;
  const counts = useMemo<Record<string, StatusCounts>>(() => (live ? { ...data?.counts, ...live.counts } : (data?.counts ?? {})), [data, live]);
  const run: RunSummary | undefined = live && data && live.run.runId === data.run.runId && data.run.status === 'running' ? live.run : data?.run;
  const now = useNow(running);

  // Marks when the run page first shows its data (read by the browser performance test).
  const ready = data !== undefined;
  useEffect(() => {
    if (ready) performance.mark('sluice:run-ready');
  }, [ready]);

  if (detail.error && !data) {
    return (
      <section className="page">
        <p>
          <Link to="/runs">← Runs</Link>
        </p>
        <ErrorBox error={detail.error} what={`run ${flow}/${runId}`} />
      </section>
    );
  }
  if (!data || !run) return <Loading what={`run ${flow}/${runId}`} />;

  const openTask = (id: number): void => setParams({ task: id, tab: null, attempt: null }, true);
  const selectStep = (name: string | null): void => setParams({ step: name, view: 'graph' }, true);
  const stepInfo = data.graph.steps.find((s) => s.name === step);

  return (
    <section className="page run-page" data-ready="run" aria-labelledby="run-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/runs">Runs</Link> / <Link to={`/runs${query({ flow })}`}>{flow}</Link> / <span className="mono">{runId}</span>
      </nav>
      <header className="page-head">
        <h1 id="run-title">
          {flow} <span className="mono muted">{runId}</span>
        </h1>
        <StatusBadge status={run.status} />
      </header>
      <Facts
        rows={[
          ['started', formatTime(run.createdAt)],
          ['duration', run.status === 'running' ? `${formatDuration(now - run.createdAt)}…` : formatDuration(run.durationMs)],
          ['tasks', `${data.tasks}`],
          ['user', run.user],
          ['tags', <TagList key="tags" tags={run.tags} system={run.systemTags} />],
          ...(run.originRunId ? ([['resumed from', <Link key="o" to={`/runs/${seg(flow)}/${seg(run.originRunId)}`}>{run.originRunId}</Link>]] as const) : []),
          ['code', <span key="c" className="mono" title={data.run.flowFile}>{`${data.run.codeDigest.slice(0, 12)} · ${data.run.flowFile}`}</span>],
        ]}
      />
      {run.error && (
        <div className="state error" role="alert">
          {run.error}
        </div>
      )}
      <Tabs tabs={VIEWS} current={view} onSelect={(id) => setParams({ view: id === 'graph' ? null : id })} label="Run views" />
      <div role="tabpanel" aria-labelledby={`tab-${view}`} className="tabpanel">
        {view === 'graph' && (
          <div className={step ? 'graph-split' : 'graph-only'}>
            <Dag graph={data.graph} counts={counts} selected={step} onSelect={selectStep} />
            {step && stepInfo ? (
              <div className="side">
                <header className="side-head">
                  <h2>
                    {step} <span className="muted small">{stepInfo.kind === 'foreach' ? `foreach over ${stepInfo.over ?? '?'}` : stepInfo.kind}</span>
                  </h2>
                  <button type="button" className="close" aria-label="Close step" onClick={() => selectStep(null)}>
                    ×
                  </button>
                </header>
                {stepInfo.doc && <p className="muted">{stepInfo.doc}</p>}
                <StepTasks flow={flow} runId={runId} step={step} counts={counts[step]} version={version} />
              </div>
            ) : (
              <p className="muted hint">Select a step to list its tasks.</p>
            )}
          </div>
        )}
        {view === 'timeline' &&
          (timeline.error ? <ErrorBox error={timeline.error} what="the timeline" /> : timeline.data ? <Timeline data={timeline.data} onTask={openTask} /> : <Loading what="the timeline" />)}
        {view === 'steps' && <StepsView base={base} onStep={selectStep} version={version} />}
        {view === 'metrics' && <RunMetrics flow={flow} runId={runId} />}
        {view === 'params' && <ParamsView run={run} graph={data.graph} />}
      </div>
      {taskId !== null && <TaskDrawer flow={flow} runId={runId} taskId={taskId} onClose={() => setParams({ task: null, tab: null, attempt: null, stream: null }, true)} />}
    </section>
  );
}

function StepsView({ base, onStep, version }: { readonly base: string; readonly onStep: (step: string) => void; readonly version: number }) {
  const steps = useApi<RunSteps>(`${base}/steps${query({ v: version || undefined })}`);
  if (steps.error) return <ErrorBox error={steps.error} what="the steps" />;
  if (!steps.data) return <Loading what="the steps" />;
  return (
    <>
      <StepTable steps={steps.data.steps} onStep={onStep} />
      <Profile base={base} />
    </>
  );
}

function ParamsView({ run, graph }: { readonly run: RunSummary; readonly graph: RunDetail['graph'] }) {
  const entries = Object.entries(run.params);
  if (entries.length === 0) return <p className="muted">This flow has no parameters.</p>;
  const specs = new Map(graph.params.map((p) => [String(p.name), p]));
  return (
    <table className="grid params">
      <thead>
        <tr>
          <th scope="col">Param</th>
          <th scope="col">Value</th>
          <th scope="col">Kind</th>
          <th scope="col">Default</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, value]) => {
          const spec = specs.get(name);
          return (
            <tr key={name}>
              <td className="mono">{name}</td>
              <td className="mono value">{formatValue(value)}</td>
              <td>{spec ? String(spec.kind) : ''}</td>
              <td className="mono muted">{spec ? (spec.computedDefault ? 'computed' : formatValue(spec.default)) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
