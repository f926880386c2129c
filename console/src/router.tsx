import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Every page has an address under /console (shareable, reloadable: the server answers the app for all of them). */
const BASE = '/console';
const listeners = new Set<() => void>();

export interface Location {
  /** Below /console, from `/`: `/models/recsys`. */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return { path: path === '' ? '/' : path, query: new URLSearchParams(location.search) };
}

export const href = (to: string) => `${BASE}${to}`;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href(to));
  else history.pushState(null, '', href(to));
  listeners.forEach((l) => l());
}

addEventListener('popstate', () => listeners.forEach((l) => l()));

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return loc;
}

/** `/models/:name` against `/models/recsys` → `{ name: 'recsys' }`; undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

interface LinkProps {
  to: string;
  children: ComponentChildren;
  'aria-current'?: 'page';
}

/** An ordinary link (new tab, copy address work) that moves inside the app without a reload. */
export function Link({ to, children, 'aria-current': current }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={href(to)} aria-current={current} onClick={onClick}>
      {children}
    </a>
  );
}

/** A path segment from a value (model names may hold `/` or spaces). */
export const seg = (value: string) => encodeURIComponent(value);
