import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { formatObserved } from '../format';
import type { Verdict } from '../types';

const STATUS_LABELS: Record<string, string> = { pending_approval: 'pending approval' };

/** A promotion, run or delivery status as a coloured label (the word itself carries the meaning). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status.toLowerCase().replace(/[^a-z_]/g, '')}`}>{STATUS_LABELS[status] ?? status.toLowerCase()}</span>;
}

export function ErrorNote({ error }: { error?: Error }) {
  if (!error) return null;
  const code = error instanceof ApiError ? ` (${error.status} ${error.code})` : '';
  return (
    <p class="error" role="alert">
      {error.message}
      {code}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p class="muted" aria-live="polite">Loading {what}…</p>;
}

/** What stands in for data not loaded yet: why it failed, or that it is loading. */
export function Pending({ load, what }: { load: { error?: Error }; what: string }) {
  return load.error ? <ErrorNote error={load.error} /> : <Loading what={what} />;
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <header class="card-head">
        <h2>{title}</h2>
        {actions ? <div class="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** The policy verdict: every rule with what was observed and what it requires. */
export function VerdictTable({ verdict, caption = 'Policy verdict' }: { verdict: Verdict; caption?: string }) {
  if (verdict.rules.length === 0) return <p class="muted">{verdict.note ?? 'No rule to check.'}</p>;
  return (
    <table class="verdict">
      <caption>
        {caption}: {verdict.allowed ? 'every rule passed' : 'some rules fail'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Passed</th>
          <th scope="col">Observed</th>
          <th scope="col">Required</th>
        </tr>
      </thead>
      <tbody>
        {verdict.rules.map((r) => (
          <tr key={r.rule} class={r.passed ? 'pass' : 'fail'}>
            <th scope="row" title={r.message}>
              {r.rule}
            </th>
            <td>{r.passed ? 'yes' : 'NO'}</td>
            <td>{formatObserved(r.observed)}</td>
            <td>{r.required}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Newest-first lists: the next page by token, and back to the newest; the token lives in the page's filters (its address). */
export function Pager({ next, filters }: { next?: string; filters: { pageToken?: string; page: (token?: string) => void } }) {
  const atStart = !filters.pageToken;
  if (!next && atStart) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {atStart ? null : (
        <button type="button" onClick={() => filters.page()}>
          ← Newest
        </button>
      )}
      {next ? (
        <button type="button" onClick={() => filters.page(next)}>
          Older →
        </button>
      ) : null}
    </nav>
  );
}

/** A link only to http(s) addresses: a value from the API never becomes a `javascript:` URL. */
export function SafeLink({ url, children }: { url: string | null; children: ComponentChildren }) {
  if (!url || !/^https?:\/\//i.test(url)) return <>{url ?? '—'}</>;
  return (
    <a href={url} rel="noopener noreferrer" target="_blank">
      {children}
    </a>
  );
}
