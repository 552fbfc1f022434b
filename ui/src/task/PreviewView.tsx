/** Renders an artifact preview (every value as text, never markup). */
import { formatNumber } from '../format';
import type { Preview } from '../types';

export function PreviewView({ preview }: { readonly preview: Preview }) {
  switch (preview.kind) {
    case 'scalar':
      return (
        <div className="preview scalar">
          <span className="muted small">{preview.type}</span>
          <pre className="value">{preview.value === null ? String(preview.type) : typeof preview.value === 'number' ? formatNumber(preview.value) : String(preview.value)}</pre>
        </div>
      );
    case 'text':
      return (
        <div className="preview text">
          <span className="muted small">{`string, ${preview.length.toLocaleString('en-US')} characters${preview.truncated ? ' (cut)' : ''}`}</span>
          <pre className="value">{preview.text}</pre>
        </div>
      );
    case 'json':
      return (
        <div className="preview json">
          <span className="muted small">{`${preview.type}${preview.truncated ? ' (cut)' : ''}`}</span>
          <pre className="value">{preview.text}</pre>
        </div>
      );
    case 'table':
      return (
        <div className="preview table">
          <span className="muted small">{`Table: ${preview.rows.toLocaleString('en-US')} rows × ${preview.columns.length} columns${preview.head.length < preview.rows ? `, first ${preview.head.length} shown` : ''}`}</span>
          <div className="scroll-x">
            <table className="grid data">
              <thead>
                <tr>
                  {preview.columns.map((c) => (
                    <th key={c.name} scope="col">
                      {c.name}
                      <span className="muted small"> {c.type}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.head.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, c) => (
                      <td key={c} className={cell === null ? 'muted' : undefined}>
                        {cell === null ? 'null' : typeof cell === 'number' ? formatNumber(cell) : cell}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      );
    case 'numbers':
      return (
        <div className="preview numbers">
          <span className="muted small">{preview.type}</span>
          <dl className="facts inline">
            {(
              [
                ['length', preview.length.toLocaleString('en-US')],
                ['min', formatNumber(preview.min)],
                ['max', formatNumber(preview.max)],
                ['mean', formatNumber(preview.mean)],
                ['std', formatNumber(preview.std)],
                ['NaN', String(preview.nan)],
              ] as const
            ).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <pre className="value">{`[${preview.head.map((v) => formatNumber(v)).join(', ')}${preview.length > preview.head.length ? ', …' : ''}]`}</pre>
        </div>
      );
    case 'unavailable':
      return <div className="preview unavailable muted">{preview.reason}</div>;
  }
}
