import { useState } from 'preact/hooks';
import { get } from '../api';
import { AdoptDialog, placeText } from '../components/adopt-dialog';
import { ErrorNote, Pager, Pending, Section } from '../components/common';
import { Field, FilterForm, useFilters } from '../filters';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import { canApprove } from '../roles';
import { Link, seg } from '../router';
import type { Drift, Me, Page } from '../types';

const KEYS = ['project', 'status'] as const;
const PAGE_SIZE = 50;
/** Open drifts are few; they are all shown. */
const ALL_OPEN = 1000;
const REFRESH_MS = 10_000;

const RESOLUTIONS: Record<NonNullable<Drift['resolution']>, (d: Drift) => string> = {
  adopted: (d) => `adopted by ${d.resolved_by}`,
  reverted: (d) => `reverted by ${d.resolved_by}`,
  returned: () => 'MLflow went back to what modelgate expects',
  superseded: () => 'moved again in MLflow: a newer drift holds it',
};

export const resolutionText = (d: Drift) => (d.resolution ? RESOLUTIONS[d.resolution](d) : '');

/** Open and resolved drifts (versions MLflow holds otherwise than modelgate expects); approvers adopt them from here. */
export function DriftPage({ me }: { me: Me }) {
  const filters = useFilters('/drift', KEYS);
  const { project, status } = filters.values;
  const open = useLoad(
    async () => (status === 'resolved' ? undefined : get<Page<Drift>>('/drift', { project, status: 'open', max_results: ALL_OPEN })),
    [project, status],
    REFRESH_MS,
  );
  const resolved = useLoad(
    async () => (status === 'open' ? undefined : get<Page<Drift>>('/drift', { project, status: 'resolved', max_results: PAGE_SIZE, page_token: filters.pageToken })),
    [project, status, filters.pageToken],
    REFRESH_MS,
  );
  const [adopting, setAdopting] = useState<Drift>();
  const [adopted, setAdopted] = useState<Drift[]>([]);
  const done = (d: Drift) => {
    setAdopting(undefined);
    setAdopted((list) => [d, ...list.filter((x) => x.id !== d.id)].slice(0, 5));
    open.reload();
    resolved.reload();
  };
  const onAdopt = canApprove(me) ? setAdopting : undefined;

  return (
    <>
      <h1>Drift</h1>
      <p class="muted">
        A drift is a version MLflow holds in a stage or alias modelgate did not put it in. The deploy gate refuses it until an approver adopts it or
        MLflow is put back.
      </p>
      <FilterForm key={JSON.stringify(filters.values)} label="Drift filters" values={filters.values} onApply={filters.apply}>
        {(d, set) => (
          <>
            <Field id="f-project" label="Project" value={d.project} onInput={(v) => set('project', v)} />
            <Field id="f-status" label="Status" value={d.status} onInput={(v) => set('status', v)}>
              <select id="f-status" value={d.status} onChange={(e) => set('status', e.currentTarget.value)}>
                <option value="">open and resolved</option>
                <option value="open">open</option>
                <option value="resolved">resolved</option>
              </select>
            </Field>
          </>
        )}
      </FilterForm>
      <div role="status" aria-live="polite">
        {adopted.length ? (
          <ul class="plain ok">
            {adopted.map((d) => (
              <li key={d.id}>
                You adopted {d.model} version {d.version}: modelgate now expects it as MLflow holds it.
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {status !== 'resolved' ? (
        <Section title={`Open drifts${open.data ? ` (${open.data.items.length})` : ''}`}>
          {!open.data ? (
            <Pending load={open} what="open drifts" />
          ) : (
            <>
              <ErrorNote error={open.error} />
              <DriftTable drifts={open.data.items} onAdopt={onAdopt} empty="No open drift: MLflow holds every version as modelgate expects." />
            </>
          )}
        </Section>
      ) : null}
      {status !== 'open' ? (
        <Section title="Resolved drifts, newest first">
          {!resolved.data ? (
            <Pending load={resolved} what="resolved drifts" />
          ) : (
            <>
              <ErrorNote error={resolved.error} />
              <DriftTable drifts={resolved.data.items} empty="No resolved drift." />
            </>
          )}
          <Pager next={resolved.data?.next_page_token} filters={filters} />
        </Section>
      ) : null}
      {adopting ? <AdoptDialog drift={adopting} onClose={() => setAdopting(undefined)} onDone={done} /> : null}
    </>
  );
}

function DriftTable({ drifts, onAdopt, empty }: { drifts: Drift[]; onAdopt?: (d: Drift) => void; empty: string }) {
  if (drifts.length === 0) return <p class="muted">{empty}</p>;
  const resolved = drifts.some((d) => d.status === 'resolved');
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Version</th>
          <th scope="col">In MLflow</th>
          <th scope="col">modelgate expects</th>
          <th scope="col">Changed in MLflow</th>
          <th scope="col">Detected</th>
          {resolved ? <th scope="col">Resolved</th> : null}
          {onAdopt ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {drifts.map((d) => (
          <tr key={d.id}>
            <td>
              <Link to={`/models/${seg(d.model)}`}>{d.model}</Link>
              {d.project && d.project !== d.model ? <span class="muted"> ({d.project})</span> : null}
            </td>
            <td>{d.version}</td>
            <td>{placeText(d.observed_stage, d.observed_aliases)}</td>
            <td>{placeText(d.expected_stage, d.expected_aliases)}</td>
            <td class="nowrap">{formatTime(d.last_updated_at)}</td>
            <td class="nowrap">
              {formatTime(d.detected_at)} <span class="seq">#{d.detected_seq}</span>
            </td>
            {resolved ? (
              <td>
                {formatTime(d.resolved_at)}, {resolutionText(d)}
                {d.resolved_seq ? <span class="seq"> #{d.resolved_seq}</span> : null}
              </td>
            ) : null}
            {onAdopt ? (
              <td>
                <button type="button" aria-label={`Adopt ${d.model} version ${d.version}`} onClick={() => onAdopt(d)}>
                  Adopt…
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
