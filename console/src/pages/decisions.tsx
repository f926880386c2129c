import { get } from '../api';
import { Pager, Pending, SafeLink, Section, StatusBadge } from '../components/common';
import { Field, FilterForm, useFilters } from '../filters';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import type { DeployDecision, Page } from '../types';

const KEYS = ['project', 'env'] as const;

/** What the deploy gate answered CI: allowed, denied or unavailable, with its reasons. */
export function DecisionsPage() {
  const filters = useFilters('/decisions', KEYS);
  const page = useLoad(
    () => get<Page<DeployDecision>>('/deploy-decisions', { ...filters.values, max_results: 50, page_token: filters.pageToken }),
    [JSON.stringify(filters.values), filters.pageToken],
  );
  return (
    <>
      <h1>Deploy decisions</h1>
      <FilterForm key={JSON.stringify(filters.values)} label="Decision filters" values={filters.values} onApply={filters.apply}>
        {(d, set) => (
          <>
            <Field id="f-project" label="Project" value={d.project} onInput={(v) => set('project', v)} />
            <Field id="f-env" label="Environment" value={d.env} onInput={(v) => set('env', v)} />
          </>
        )}
      </FilterForm>
      <Section title="Decisions, newest first">
        {!page.data ? (
          <Pending load={page} what="decisions" />
        ) : page.data.items.length === 0 ? (
          <p class="muted">No decision matches.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Project</th>
                <th scope="col">Env</th>
                <th scope="col">Outcome</th>
                <th scope="col">Version</th>
                <th scope="col">Reasons</th>
                <th scope="col">Caller</th>
                <th scope="col">Commit</th>
                <th scope="col">Pipeline</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((d) => (
                <tr key={d.id}>
                  <td>{formatTime(d.decided_at)}</td>
                  <td>{d.project}</td>
                  <td>{d.env}</td>
                  <td>
                    <StatusBadge status={d.outcome} />
                  </td>
                  <td>{d.version ? `${d.version}${d.stage ? ` (${d.stage})` : ''}` : '—'}</td>
                  <td class="prose">{d.reasons.join('; ') || '—'}</td>
                  <td>{d.caller}</td>
                  <td>
                    <code>{d.commit ?? '—'}</code>
                  </td>
                  <td>
                    <SafeLink url={d.pipeline_url}>run</SafeLink>
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
