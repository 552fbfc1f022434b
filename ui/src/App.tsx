/** The app shell: navigation, the token prompt, and the view for the current URL. */
import { useEffect, useState, type FormEvent } from 'react';
import { hasToken, onAuthRequired, setToken } from './api';
import { Empty } from './components/common';
import { useApi } from './hooks';
import { Link, navigate, useRoute } from './router';
import { ComparePage } from './pages/ComparePage';
import { ModelPage, ModelsPage } from './pages/ModelsPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import type { ServerInfo } from './types';

function TokenPrompt({ message, onDone }: { readonly message: string; readonly onDone: () => void }) {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (value.trim() === '') return;
    setToken(value.trim());
    onDone();
  };
  return (
    <div className="modal-backdrop">
      <form className="modal" onSubmit={submit} role="dialog" aria-modal="true" aria-labelledby="token-title">
        <h2 id="token-title">This server needs a token</h2>
        <p className="muted">{message}</p>
        <label>
          Token
          <input type="password" autoComplete="current-password" autoFocus value={value} onChange={(e) => setValue(e.target.value)} name="token" />
        </label>
        <p className="muted small">It is kept for this browser tab only (session storage).</p>
        <button type="submit">Continue</button>
      </form>
    </div>
  );
}

export function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(
    () =>
      onAuthRequired((message) => {
        if (hasToken()) setToken(null);
        setAuth(message);
      }),
    [],
  );
  const info = useApi<ServerInfo>(`/api/info?g=${generation}`);
  const [first, second, third] = route.parts;

  useEffect(() => {
    if (route.parts.length === 0) navigate('/runs', { replace: true });
  }, [route.parts.length]);

  let page;
  if (first === 'runs' && second !== undefined && third !== undefined) page = <RunPage key={`${second}/${third}`} flow={second} runId={third} />;
  else if (first === 'runs' || first === undefined) page = <RunsPage />;
  else if (first === 'compare') page = <ComparePage />;
  else if (first === 'models' && second !== undefined) page = <ModelPage key={second} name={second} />;
  else if (first === 'models') page = <ModelsPage />;
  else
    page = (
      <Empty>
        Nothing here. <Link to="/runs">Go to the runs</Link>.
      </Empty>
    );

  return (
    <div className="app" key={generation}>
      <header className="topbar">
        <Link to="/runs" className="brand">
          Sluice
        </Link>
        <nav aria-label="Main">
          <Link to="/runs" className={first === 'runs' ? 'active' : undefined} aria-current={first === 'runs' ? 'page' : undefined}>
            Runs
          </Link>
          <Link to="/compare" className={first === 'compare' ? 'active' : undefined} aria-current={first === 'compare' ? 'page' : undefined}>
            Compare
          </Link>
          <Link to="/models" className={first === 'models' ? 'active' : undefined} aria-current={first === 'models' ? 'page' : undefined}>
            Models
          </Link>
        </nav>
        <span className="grow" />
        {info.data && <span className="muted small home" title="Sluice home">{info.data.home}</span>}
      </header>
      <main>{page}</main>
      {auth !== null && (
        <TokenPrompt
          message={auth}
          onDone={() => {
            setAuth(null);
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </div>
  );
}
