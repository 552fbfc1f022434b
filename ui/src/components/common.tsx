/** Small shared pieces: status badges, loading/empty/error states, tabs, tags. */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export function StatusBadge({ status }: { readonly status: string }) {
  const icon = { succeeded: '✓', done: '✓', failed: '✗', crashed: '✗', running: '●', pending: '○' }[status] ?? '';
  return (
    <span className={`badge status-${status}`}>
      <span aria-hidden="true">{icon}</span> {status}
    </span>
  );
}

export function Loading({ what }: { readonly what: string }) {
  return (
    <div className="state loading" role="status">
      Loading {what}…
    </div>
  );
}

export function Empty({ children }: { readonly children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorBox({ error, what }: { readonly error: Error; readonly what?: string }) {
  return (
    <div className="state error" role="alert">
      {what ? `Could not load ${what}: ` : ''}
      {error.message}
    </div>
  );
}

export interface TabDef {
  readonly id: string;
  readonly label: ReactNode;
}

/** A tab list (arrow keys move between tabs, as the ARIA pattern says). */
export function Tabs({ tabs, current, onSelect, label }: { readonly tabs: readonly TabDef[]; readonly current: string; readonly onSelect: (id: string) => void; readonly label: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (event: KeyboardEvent, index: number): void => {
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (delta === 0) return;
    event.preventDefault();
    const next = (index + delta + tabs.length) % tabs.length;
    refs.current[next]?.focus();
    onSelect(tabs[next]!.id);
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, i) => (
        <button
          key={tab.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={tab.id === current}
          tabIndex={tab.id === current ? 0 : -1}
          className={tab.id === current ? 'tab active' : 'tab'}
          onClick={() => onSelect(tab.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function TagList({ tags, system }: { readonly tags: readonly string[]; readonly system?: readonly string[] }) {
  if (tags.length === 0 && (system?.length ?? 0) === 0) return <span className="muted">–</span>;
  return (
    <span className="tags">
      {tags.map((t) => (
        <span key={`u:${t}`} className="tag">
          {t}
        </span>
      ))}
      {system?.map((t) => (
        <span key={`s:${t}`} className="tag system">
          {t}
        </span>
      ))}
    </span>
  );
}

/** `key value` rows. */
export function Facts({ rows }: { readonly rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
