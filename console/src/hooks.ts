import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads with `fetcher` whenever `deps` change; with `pollMs`, again every so often while the tab is
 * visible (the inbox shows new requests within seconds). A poll that fails keeps the last data.
 */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const load = useCallback(() => {
    const mine = ++generation.current;
    fetcher().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: Error) => mine === generation.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, deps);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    load();
    if (!pollMs) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && load(), pollMs);
    return () => clearInterval(timer);
  }, [load, pollMs]);
  return { ...state, reload: load };
}

/** Re-renders every `ms` (for "time left" counters). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * What a button sends: `busy` while it runs (the buttons are disabled), and its failure kept to show
 * until the next try. `setError` reports a problem found before sending.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
