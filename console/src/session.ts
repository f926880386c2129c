/**
 * The signed-in API key: in sessionStorage only (gone with the tab), sent as a header, never put
 * in a URL, a cookie or a log.
 */
const STORAGE_KEY = 'modelgate.api_key';

type Listener = (reason?: string) => void;
const listeners = new Set<Listener>();

export function currentKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  listeners.forEach((l) => l());
}

/** Forgets the key; `reason` tells the sign-in page why (e.g. the server refused it). */
export function signOut(reason?: string): void {
  sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((l) => l(reason));
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
