import { useState } from 'preact/hooks';
import { api, get } from '../api';
import { ErrorNote, Pager, Pending, Section, StatusBadge } from '../components/common';
import { Field, FilterForm, useFilters } from '../filters';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import { isAdmin } from '../roles';
import type { Me, Notification, Page, PipelineRun } from '../types';

const KEYS = ['project', 'status'] as const;
/** Deliveries move on by themselves (retries, a replayed one): the page follows. */
const REFRESH_MS = 5000;

/** Step Functions executions seen, what failed, and how each notification about them went. */
export function PipelinesPage({ me }: { me: Me }) {
  const filters = useFilters('/pipelines', KEYS);
  const page = useLoad(
    () => get<Page<PipelineRun>>('/pipeline-runs', { ...filters.values, max_results: 50, page_token: filters.pageToken }),
    [JSON.stringify(filters.values), filters.pageToken],
    REFRESH_MS,
  );
  return (
    <>
      <h1>Pipelines</h1>
      <FilterForm key={JSON.stringify(filters.values)} label="Pipeline filters" values={filters.values} onApply={filters.apply}>
        {(d, set) => (
          <>
            <Field id="f-project" label="Project" value={d.project} onInput={(v) => set('project', v)} />
            <Field id="f-status" label="Status" value={d.status} onInput={(v) => set('status', v.toUpperCase())} />
          </>
        )}
      </FilterForm>
      <Section title="Executions, newest first">
        {!page.data ? (
          <Pending load={page} what="executions" />
        ) : page.data.items.length === 0 ? (
          <p class="muted">No execution matches.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Execution</th>
                <th scope="col">Project</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Failing step</th>
                <th scope="col">Notifications</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((run) => (
                <tr key={run.execution_arn}>
                  <td title={run.execution_arn}>{run.execution_name ?? run.execution_arn}</td>
                  <td>{run.project ?? <span class="muted">none</span>}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{formatTime(run.start_date)}</td>
                  <td>
                    {run.failed_step ?? (run.error ? '' : '—')}
                    {run.error ? <div class="muted">{run.error}</div> : null}
                  </td>
                  <td>
                    <Deliveries items={run.notifications} admin={isAdmin(me)} onRetried={page.reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager next={page.data?.next_page_token} filters={filters} />
      </Section>
    </>
  );
}

/** `slack:ml-alerts`, `e-mail to oncall@…`, `the event bus`. */
const targetOf = (n: Notification) => (n.kind === 'slack' ? (n.recipient ?? 'Slack') : n.kind === 'email' ? `e-mail to ${n.recipient}` : 'the event bus');

function Deliveries({ items, admin, onRetried }: { items: Notification[]; admin: boolean; onRetried: () => void }) {
  const [error, setError] = useState<Error>();
  if (items.length === 0) return <span class="muted">none</span>;
  const retry = async (n: Notification) => {
    setError(undefined);
    try {
      await api('POST', `/notifications/${encodeURIComponent(n.id)}/retry`);
      onRetried();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <>
      <ul class="plain deliveries">
        {items.map((n) => (
          <li key={n.id}>
            <StatusBadge status={n.status} /> {targetOf(n)}
            {n.status !== 'delivered' ? (
              <span class="muted">
                {' '}
                ({n.attempts} attempt{n.attempts === 1 ? '' : 's'}
                {n.last_error ? `: ${n.last_error}` : ''})
              </span>
            ) : null}
            {admin && n.status === 'dead' ? (
              <button type="button" class="small" onClick={() => void retry(n)} aria-label={`Retry the notification to ${targetOf(n)}`}>
                Retry
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorNote error={error} />
    </>
  );
}
