import { useState } from 'preact/hooks';
import { download, get } from '../api';
import { ErrorNote, Pager, Pending, Section } from '../components/common';
import { Field, FilterForm, useFilters } from '../filters';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import type { AuditEvent, ChainVerification, Page } from '../types';

const ACTIONS = [
  'promotion.requested',
  'promotion.approved',
  'promotion.rejected',
  'promotion.cancelled',
  'promotion.expired',
  'promotion.completed',
  'promotion.denied',
  'promotion.failed',
  'rollback',
  'registry.baseline_adopted',
  'registry.drift_detected',
  'registry.adopted',
  'registry.drift_reverted',
  'registry.drift_resolved',
  'project.created',
  'project.updated',
  'project.deleted',
  'api_key.created',
  'api_key.revoked',
  'slack_identity.linked',
  'slack_identity.unlinked',
];
const KEYS = ['model', 'action', 'actor', 'from', 'to'] as const;
const PAGE_SIZE = 50;

/** `to` is a day, included: the API's `until` is the next midnight (UTC), excluded. */
function apiQuery(f: Record<(typeof KEYS)[number], string>) {
  const until = f.to ? new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : undefined;
  return { model: f.model, action: f.action, actor: f.actor, since: f.from || undefined, until };
}

function verdictText(v: ChainVerification): string {
  return v.valid ? `The chain is valid: ${v.checked} events checked.` : `The chain is BROKEN at seq ${v.first_broken_seq}: ${v.problem ?? 'its link does not hold'}.`;
}

export function AuditPage() {
  const filters = useFilters('/audit', KEYS);
  const query = apiQuery(filters.values);
  const page = useLoad(() => get<Page<AuditEvent>>('/audit', { ...query, max_results: PAGE_SIZE, page_token: filters.pageToken }), [JSON.stringify(query), filters.pageToken]);
  const [check, setCheck] = useState<{ verdict?: ChainVerification; error?: Error; busy?: boolean }>({});
  const [csvError, setCsvError] = useState<Error>();

  const verify = async () => {
    setCheck({ busy: true });
    try {
      setCheck({ verdict: await get<ChainVerification>('/audit/verify') });
    } catch (error) {
      setCheck({ error: error as Error });
    }
  };
  const exportCsv = () => {
    setCsvError(undefined);
    download('/audit', { ...query, format: 'csv' }, 'audit-events.csv').catch(setCsvError);
  };

  const actions = (
    <>
      <button type="button" onClick={() => void verify()} disabled={check.busy}>
        Verify chain
      </button>
      <button type="button" onClick={exportCsv}>
        Download CSV
      </button>
    </>
  );
  return (
    <>
      <h1>Audit log</h1>
      <FilterForm key={JSON.stringify(filters.values)} label="Audit filters" values={filters.values} onApply={filters.apply}>
        {(d, set) => (
          <>
            <Field id="f-model" label="Model" value={d.model} onInput={(v) => set('model', v)} />
            <Field id="f-action" label="Action" value={d.action} onInput={(v) => set('action', v)}>
              <select id="f-action" value={d.action} onChange={(e) => set('action', e.currentTarget.value)}>
                <option value="">any</option>
                {ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="f-actor" label="Actor" value={d.actor} onInput={(v) => set('actor', v)} />
            <Field id="f-from" label="From (UTC day)" type="date" value={d.from} onInput={(v) => set('from', v)} />
            <Field id="f-to" label="To (UTC day, included)" type="date" value={d.to} onInput={(v) => set('to', v)} />
          </>
        )}
      </FilterForm>
      {check.verdict ? (
        <p class={check.verdict.valid ? 'ok' : 'error'} role="status">
          {verdictText(check.verdict)}
        </p>
      ) : null}
      <ErrorNote error={check.error ?? csvError} />
      <Section title="Events, newest first" actions={actions}>
        {!page.data ? <Pending load={page} what="events" /> : <EventTable events={page.data.items} />}
        <Pager next={page.data?.next_page_token} filters={filters} />
      </Section>
    </>
  );
}

/** The reason, else what the details say in a line (a key's name and roles, a project…). */
function summaryOf(e: AuditEvent): string {
  if (e.reason) return e.reason;
  const parts = Object.entries(e.details)
    // Ids and hashes say nothing at a glance.
    .filter(([k, v]) => !/_(id|hash)$/.test(k) && v !== null && (typeof v !== 'object' || (Array.isArray(v) && v.every((x) => typeof x !== 'object'))))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  const line = parts.join('; ');
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function EventTable({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p class="muted">No event matches.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Seq</th>
          <th scope="col">At</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Model</th>
          <th scope="col">Stages</th>
          <th scope="col">Reason or details</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.seq}>
            <td>{e.seq}</td>
            <td class="nowrap">{formatTime(e.at)}</td>
            <td>{e.actor}</td>
            <td>{e.action}</td>
            <td>{e.model ? `${e.model}${e.version ? ` v${e.version}` : ''}` : '—'}</td>
            <td>{e.from_stage || e.to_stage ? `${e.from_stage ?? '?'} → ${e.to_stage ?? '?'}` : '—'}</td>
            <td class="prose">{summaryOf(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
