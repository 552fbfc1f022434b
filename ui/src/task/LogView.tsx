/**
 * A task attempt's stdout or stderr: the tail first, then (while the task runs) live lines over
 * server-sent events. Search shows only the matching lines, with the matches marked.
 */
import { useEffect, useRef, useState } from 'react';
import { apiGet, query, subscribe } from '../api';
import { ErrorBox } from '../components/common';
import { formatBytes } from '../format';
import type { LogChunk } from '../types';

const TAIL = 512 * 1024;
const FULL = 8 * 1024 * 1024;
const MAX_MATCHES = 5000;

function Highlight({ line, needle }: { readonly line: string; readonly needle: string }) {
  const lower = line.toLowerCase();
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    parts.push(line.slice(at, i), <mark key={i}>{line.slice(i, i + needle.length)}</mark>);
    at = i + needle.length;
  }
  parts.push(line.slice(at));
  return <>{parts}</>;
}

export function LogView({
  base,
  stream,
  attempt,
  live,
  onEnd,
}: {
  readonly base: string;
  readonly stream: 'stdout' | 'stderr';
  readonly attempt: number;
  readonly live: boolean;
  readonly onEnd: () => void;
}) {
  const [text, setText] = useState('');
  const [start, setStart] = useState(0);
  const [size, setSize] = useState(0);
  const [error, setError] = useState<Error | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [tailing, setTailing] = useState(false);
  const [search, setSearch] = useState('');
  const [full, setFull] = useState(false);
  const box = useRef<HTMLPreElement | null>(null);
  const atBottom = useRef(true);
  const endRef = useRef(onEnd);
  endRef.current = onEnd;

  useEffect(() => {
    const controller = new AbortController();
    let unsubscribe: (() => void) | undefined;
    setText('');
    setLoaded(false);
    setError(undefined);
    const path = `${base}/logs/${stream}${query(full ? { attempt, offset: 0, limit: FULL } : { attempt, tail: TAIL })}`;
    apiGet<LogChunk>(path, controller.signal).then(
      (chunk) => {
        setText(chunk.text);
        setStart(chunk.offset);
        setSize(chunk.size);
        setLoaded(true);
        if (!live) return;
        let offset = chunk.nextOffset;
        setTailing(true);
        // Resume from the last offset after a reconnect.
        unsubscribe = subscribe(() => `${base}/logs/${stream}/live${query({ attempt, offset })}`, {
          onEvent: (event, data) => {
            if (event === 'append') {
              const d = data as { text: string; nextOffset: number };
              offset = d.nextOffset;
              setText((t) => t + d.text);
              setSize(d.nextOffset);
            } else if (event === 'end') {
              setTailing(false);
              endRef.current();
            }
          },
        });
      },
      (e: Error) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => {
      controller.abort();
      unsubscribe?.();
      setTailing(false);
    };
  }, [base, stream, attempt, live, full]);

  // Follow the end of the log while the reader is at the bottom.
  useEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  const needle = search.trim().toLowerCase();
  const lines = needle === '' ? null : text.split('\n').filter((l) => l.toLowerCase().includes(needle));

  return (
    <div className="logview">
      <div className="log-tools">
        <label className="grow">
          <span className="visually-hidden">Search in {stream}</span>
          <input type="search" placeholder={`search ${stream}`} value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        {lines && <span className="muted small" role="status">{`${lines.length >= MAX_MATCHES ? `${MAX_MATCHES}+` : lines.length} matching line${lines.length === 1 ? '' : 's'}`}</span>}
        {tailing && (
          <span className="live small" role="status">
            ● live
          </span>
        )}
        <span className="muted small">{formatBytes(size)}</span>
      </div>
      {error && <ErrorBox error={error} what={stream} />}
      {start > 0 && !full && (
        <p className="muted small">
          {`Showing the last ${formatBytes(size - start)} of ${formatBytes(size)}. `}
          <button type="button" className="link" onClick={() => setFull(true)}>
            Load the whole log
          </button>
        </p>
      )}
      <pre
        className="log"
        ref={box}
        tabIndex={0}
        aria-label={`${stream} of attempt ${attempt}`}
        data-stream={stream}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines === null
          ? text
          : lines.slice(0, MAX_MATCHES).map((line, i) => (
              <div key={i}>
                <Highlight line={line} needle={needle} />
              </div>
            ))}
      </pre>
      {loaded && text === '' && !tailing && <p className="muted">{`(nothing on ${stream})`}</p>}
    </div>
  );
}
