/** Registered models: the list, and one model's versions, aliases, gate verdicts and alias history. */
import { query, seg } from '../api';
import { Empty, ErrorBox, Facts, Loading } from '../components/common';
import { formatNumber, formatTime } from '../format';
import { useApi } from '../hooks';
import { Link, setParams, useRoute } from '../router';
import type { ModelDetail, ModelPage, ModelVersion } from '../types';

export function ModelsPage() {
  const { params } = useRoute();
  const filter = params.get('filter') ?? '';
  const data = useApi<ModelPage>(`/api/models${query({ filter })}`);
  return (
    <section className="page" aria-labelledby="models-title">
      <header className="page-head">
        <h1 id="models-title">Models</h1>
      </header>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ filter: String(new FormData(e.currentTarget).get('filter') ?? '').trim() });
        }}
      >
        <label className="grow">
          Filter
          <input type="search" name="filter" defaultValue={filter} key={filter} placeholder="name LIKE 'churn%' or tags.team = 'x'" />
        </label>
        <button type="submit">Search</button>
      </form>
      {data.error && <ErrorBox error={data.error} what="models" />}
      {!data.data && !data.error && <Loading what="models" />}
      {data.data && data.data.models.length === 0 && <Empty>No registered models. Steps register them with `registerModel(name, model, ...)`.</Empty>}
      {data.data && data.data.models.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Versions</th>
              <th scope="col">Aliases</th>
              <th scope="col">Updated</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {data.data.models.map((m) => (
              <tr key={m.name}>
                <td>
                  <Link to={`/models/${seg(m.name)}`}>{m.name}</Link>
                </td>
                <td>{m.lastVersion}</td>
                <td>
                  {Object.entries(m.aliases).map(([alias, v]) => (
                    <span key={alias} className="tag">{`${alias} → v${v}`}</span>
                  ))}
                </td>
                <td>{formatTime(m.updatedAt)}</td>
                <td className="muted">{m.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Gate({ gate }: { readonly gate: unknown }) {
  if (gate === null || gate === undefined) return <span className="muted">–</span>;
  const g = gate as { passed: boolean; reasons: string[] };
  return (
    <span className={g.passed ? 'gate pass' : 'gate fail'} title={g.reasons.join('\n')}>
      {g.passed ? '✓ passed' : '✗ failed'}
    </span>
  );
}

function VersionDetail({ v }: { readonly v: ModelVersion }) {
  const gate = v.gate as { passed: boolean; reasons: string[]; checks: { metric: string; kind: string; limit: number | string; value: number | string; passed: boolean }[]; baseline: { alias: string; version: number; value: number | string } | null } | null;
  return (
    <section className="version-detail" aria-label={`Version ${v.version}`}>
      <h2>{`Version ${v.version}`}</h2>
      {v.description && <p>{v.description}</p>}
      <Facts
        rows={[
          [
            'made by',
            v.lineage ? (
              <Link key="run" to={`/runs/${seg(v.lineage.flow)}/${seg(v.lineage.runId)}${v.lineage.taskId !== null ? query({ task: v.lineage.taskId }) : ''}`} data-lineage="run">
                {v.pathspec ?? `${v.lineage.flow}/${v.lineage.runId}`}
              </Link>
            ) : (
              <span key="src" className="mono">{v.source}</span>
            ),
          ],
          ['run status', v.lineage?.status ?? '–'],
          ['registered', `${formatTime(v.createdAt)} by ${v.createdBy}`],
          ['artifact', v.artifactType ? `${v.artifactType} (${v.artifactBytes ?? 0} bytes)` : '–'],
          ['code', v.codeDigest ? <span key="c" className="mono">{v.codeDigest.slice(0, 16)}</span> : '–'],
          ['stage', v.stage],
        ]}
      />
      {gate && (
        <>
          <h3>Gate: {gate.passed ? 'passed' : 'failed'}</h3>
          {gate.reasons.length > 0 && (
            <ul>
              {gate.reasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          )}
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Check</th>
                <th scope="col">Limit</th>
                <th scope="col">Value</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {gate.checks.map((c, i) => (
                <tr key={i}>
                  <td className="mono">{c.metric}</td>
                  <td>{c.kind}</td>
                  <td className="mono">{formatNumber(c.limit)}</td>
                  <td className="mono">{formatNumber(c.value)}</td>
                  <td>{c.passed ? '✓' : '✗'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {gate.baseline && <p className="muted small">{`Compared with ${gate.baseline.alias} (v${gate.baseline.version}, ${formatNumber(gate.baseline.value)}).`}</p>}
        </>
      )}
      {Object.keys(v.inputs).length > 0 && (
        <>
          <h3>Inputs</h3>
          <dl className="facts">
            {Object.entries(v.inputs).map(([k, d]) => (
              <div key={k}>
                <dt className="mono">{k}</dt>
                <dd className="mono muted">{d.slice(0, 12)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {v.signature !== null && v.signature !== undefined && (
        <>
          <h3>Signature</h3>
          <pre className="value">{JSON.stringify(v.signature, null, 2)}</pre>
        </>
      )}
    </section>
  );
}

export function ModelPage({ name }: { readonly name: string }) {
  const { params } = useRoute();
  const data = useApi<ModelDetail>(`/api/models/${seg(name)}`);
  if (data.error) return <ErrorBox error={data.error} what={`model ${name}`} />;
  if (!data.data) return <Loading what={`model ${name}`} />;
  const { model, versions, aliasHistory } = data.data;
  const chosen = Number(params.get('version') ?? versions[0]?.version ?? NaN);
  const version = versions.find((v) => v.version === chosen);
  return (
    <section className="page" aria-labelledby="model-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/models">Models</Link> / {model.name}
      </nav>
      <header className="page-head">
        <h1 id="model-title">{model.name}</h1>
        {Object.entries(model.aliases).map(([alias, v]) => (
          <span key={alias} className="tag">{`${alias} → v${v}`}</span>
        ))}
      </header>
      {model.description && <p>{model.description}</p>}
      <table className="grid versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Registered</th>
            <th scope="col">Run</th>
            <th scope="col">Metrics</th>
            <th scope="col">Gate</th>
            <th scope="col">Aliases</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} className={v.version === chosen ? 'selected' : undefined}>
              <td>
                <button type="button" className="link" aria-pressed={v.version === chosen} onClick={() => setParams({ version: v.version })}>
                  {`v${v.version}`}
                </button>
              </td>
              <td>{formatTime(v.createdAt)}</td>
              <td>{v.lineage ? <Link to={`/runs/${seg(v.lineage.flow)}/${seg(v.lineage.runId)}`}>{`${v.lineage.flow}/${v.lineage.runId}`}</Link> : <span className="muted">{v.source}</span>}</td>
              <td className="mono small">
                {Object.entries(v.metrics)
                  .map(([k, x]) => `${k} ${formatNumber(x)}`)
                  .join(', ')}
              </td>
              <td>
                <Gate gate={v.gate} />
              </td>
              <td>
                {v.aliases.map((a) => (
                  <span key={a} className="tag">
                    {a}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {version && <VersionDetail v={version} />}
      <h2>Alias history</h2>
      {aliasHistory.length === 0 ? (
        <p className="muted">No alias has been set.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Alias</th>
              <th scope="col">Change</th>
              <th scope="col">By</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {[...aliasHistory].reverse().map((h) => (
              <tr key={h.id} className={h.action === 'refused' ? 'refused' : undefined}>
                <td>{formatTime(h.time)}</td>
                <td className="mono">{h.alias}</td>
                <td>{h.action === 'delete' ? `removed (was v${h.fromVersion ?? '?'})` : `${h.action === 'refused' ? 'refused: ' : ''}${h.fromVersion === null ? '–' : `v${h.fromVersion}`} → v${h.toVersion ?? '?'}`}</td>
                <td>{h.actor}</td>
                <td>{h.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
