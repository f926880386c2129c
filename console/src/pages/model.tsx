import { useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { ErrorNote, Loading, Section, StatusBadge } from '../components/common';
import { PromoteDialog, RollbackDialog, targetsFrom } from '../components/promote-dialog';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import { Link, seg } from '../router';
import { canPromote } from '../roles';
import type { Me, ModelVersion, Page, Promotion } from '../types';

interface Placement {
  by: string;
  at: string | null;
  promotionId: string;
}

/** Who put each version in its current stage and when: the newest completed change that did (MLflow keeps no such history). */
function placements(versions: ModelVersion[], done: Promotion[]): Map<string, Placement> {
  const map = new Map<string, Placement>();
  for (const v of versions) {
    const moved = done.find((p) => p.version === v.version && p.to_stage === v.stage);
    const replaced = v.stage === 'Archived' ? done.find((p) => p.archived_versions.includes(v.version)) : undefined;
    const p = moved ?? replaced;
    if (p) map.set(v.version, { by: p.requested_by, at: p.completed_at, promotionId: p.id });
  }
  return map;
}

/** Whether the server keeps registry history (the 90-day Production strip and drift marks need it). */
async function historyAvailable(model: string): Promise<boolean> {
  try {
    await get(`/models/${seg(model)}/history`);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === 'NOT_FOUND') return false;
    throw err;
  }
}

async function load(name: string) {
  const [versions, done, history] = await Promise.all([
    get<Page<ModelVersion>>(`/models/${seg(name)}/versions`, { max_results: 1000 }),
    get<Page<Promotion>>('/promotions', { model: name, status: 'completed', max_results: 1000 }),
    historyAvailable(name),
  ]);
  return { versions: versions.items, placed: placements(versions.items, done.items), history };
}

type Open = { kind: 'promote'; version: ModelVersion } | { kind: 'rollback'; current: string };

export function ModelPage({ me, name }: { me: Me; name: string }) {
  const page = useLoad(() => load(name), [name]);
  const [open, setOpen] = useState<Open>();
  if (!page.data) return page.error ? <ErrorNote error={page.error} /> : <Loading what={`model ${name}`} />;
  const { versions, placed, history } = page.data;
  const production = versions.find((v) => v.stage === 'Production');
  const close = () => setOpen(undefined);
  const rollback =
    canPromote(me) && production ? (
      <button type="button" onClick={() => setOpen({ kind: 'rollback', current: production.version })}>
        Roll back…
      </button>
    ) : null;
  return (
    <>
      <h1>{name}</h1>
      <Section title="Production over the last 90 days">
        {/* Filled by the registry-history API when the server has it (GET /models/:name/history). */}
        <p class="muted">{history ? 'Registry history is available; this console version does not draw it yet.' : 'Registry history and drift tracking are not available on this server.'}</p>
      </Section>
      <Section title={`Versions (${versions.length})`} actions={rollback}>
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stage</th>
              <th scope="col">Put there by</th>
              <th scope="col">When</th>
              <th scope="col">Aliases</th>
              {canPromote(me) ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const p = placed.get(v.version);
              return (
                <tr key={v.version}>
                  <th scope="row">{v.version}</th>
                  <td>
                    <StatusBadge status={v.stage} />
                  </td>
                  <td>{p ? <Link to={`/promotions/${seg(p.promotionId)}`}>{p.by}</Link> : <span class="muted">{v.stage === 'None' ? '—' : 'not through modelgate'}</span>}</td>
                  <td>{formatTime(p?.at ?? (v.stage === 'None' ? v.created_at : v.updated_at))}</td>
                  <td>{v.aliases.join(', ') || '—'}</td>
                  {canPromote(me) ? (
                    <td>
                      {targetsFrom(v.stage).length ? (
                        <button type="button" onClick={() => setOpen({ kind: 'promote', version: v })}>
                          Promote…
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
      {open?.kind === 'promote' ? <PromoteDialog version={open.version} onClose={close} onDone={page.reload} /> : null}
      {open?.kind === 'rollback' ? <RollbackDialog model={name} current={open.current} onClose={close} onDone={page.reload} /> : null}
    </>
  );
}
