/** A task's visible artifacts (own and inherited) with size and type; one previewed at a time. */
import { seg } from '../api';
import { ErrorBox, Loading } from '../components/common';
import { formatBytes } from '../format';
import { useApi } from '../hooks';
import { setParams, useRoute } from '../router';
import type { Artifact, ArtifactPreview, Preview } from '../types';
import { PreviewView } from './PreviewView';

export function Artifacts({ base, artifacts }: { readonly base: string; readonly artifacts: readonly Artifact[] }) {
  const { params } = useRoute();
  const selected = params.get('artifact');
  const preview = useApi<ArtifactPreview>(selected !== null && artifacts.some((a) => a.name === selected) ? `${base}/artifacts/${seg(selected)}` : null);
  if (artifacts.length === 0) return <p className="muted">No artifacts (a task records its outputs when it finishes).</p>;
  return (
    <div className="artifacts">
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Size</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr key={a.name} className={a.name === selected ? 'selected' : undefined}>
              <td>
                <button type="button" className="link mono" aria-pressed={a.name === selected} onClick={() => setParams({ artifact: a.name === selected ? null : a.name })}>
                  {a.name}
                </button>
              </td>
              <td className="mono">{a.type}</td>
              <td>{formatBytes(a.bytes)}</td>
              <td className="muted small">{a.inherited ? `${a.producerStep}/${a.producerTaskId}` : 'this task'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected !== null && (
        <div className="artifact-preview" aria-live="polite">
          <h3 className="mono">{selected}</h3>
          {preview.error && <ErrorBox error={preview.error} what={`artifact ${selected}`} />}
          {preview.loading && !preview.data && <Loading what="the preview" />}
          {preview.data && <PreviewView preview={preview.data.preview as unknown as Preview} />}
        </div>
      )}
    </div>
  );
}
