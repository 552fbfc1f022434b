/**
 * A small history router: every view has a URL (path + query), links are real <a href>s, the
 * back button works, and query-string state (filters, open task, tabs) is shareable.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const CHANGE = 'sluice:navigate';

function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  window.addEventListener(CHANGE, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener(CHANGE, callback);
  };
}

const snapshot = (): string => location.pathname + location.search;

export interface Route {
  readonly path: string;
  /** Path segments, decoded. */
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

export function useRoute(): Route {
  const url = useSyncExternalStore(subscribe, snapshot);
  const [path = '/', search = ''] = url.split('?');
  return {
    path,
    parts: path
      .split('/')
      .filter((p) => p !== '')
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return p;
        }
      }),
    params: new URLSearchParams(search),
  };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current URL with some query parameters changed (null/'' removes one). */
export function withParams(updates: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(updates)) {
    if (value === null || value === undefined || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const search = params.toString();
  return location.pathname + (search ? `?${search}` : '');
}

/** Changes query parameters (replacing the history entry unless `push`). */
export function setParams(updates: Record<string, string | number | null | undefined>, push = false): void {
  navigate(withParams(updates), { replace: !push });
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { readonly to: string; readonly children: ReactNode; readonly replace?: boolean };

/** An in-app link: a normal anchor (open in new tab works) that navigates without reloading. */
export function Link({ to, children, replace, onClick, ...rest }: LinkProps) {
  const click = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to, { replace });
  };
  return (
    <a href={to} onClick={click} {...rest}>
      {children}
    </a>
  );
}
