import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { withQuery } from './api';
import { navigate, useLocation } from './router';

/** A list page's filters live in its address (shareable, reloadable); the page token too. */
export function useFilters<K extends string>(path: string, keys: readonly K[]) {
  const { query } = useLocation();
  const values = Object.fromEntries(keys.map((k) => [k, query.get(k) ?? ''])) as Record<K, string>;
  const pageToken = query.get('page_token') ?? undefined;
  const go = (next: Record<K, string>, token?: string) => navigate(withQuery(path, { ...next, page_token: token }));
  return { values, pageToken, apply: (next: Record<K, string>) => go(next), page: (token?: string) => go(values, token) };
}

/** The filter form: edits stay local until applied. */
export function FilterForm<K extends string>({
  label,
  values,
  onApply,
  children,
}: {
  label: string;
  values: Record<K, string>;
  onApply: (v: Record<K, string>) => void;
  children: (draft: Record<K, string>, set: (k: K, v: string) => void) => ComponentChildren;
}) {
  const [draft, setDraft] = useState(values);
  const set = (k: K, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <form class="filters" aria-label={label} onSubmit={(e) => (e.preventDefault(), onApply(draft))}>
      {children(draft, set)}
      <button type="submit">Apply</button>
    </form>
  );
}

/** A labelled text input bound to one filter. */
export function Field({ id, label, value, onInput, type = 'text', children }: { id: string; label: string; value: string; onInput: (v: string) => void; type?: 'text' | 'date'; children?: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children ??
        (type === 'date' ? (
          <input id={id} type="date" value={value} onInput={(e) => onInput(e.currentTarget.value)} />
        ) : (
          <input id={id} type="text" value={value} onInput={(e) => onInput(e.currentTarget.value)} />
        ))}
    </div>
  );
}
