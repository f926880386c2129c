import { useState } from 'preact/hooks';
import { get, withQuery } from '../api';
import { AdoptDialog, placeText } from '../components/adopt-dialog';
import { Pending, Section, StatusBadge } from '../components/common';
import { ProductionStripView } from '../components/production-strip';
import { PromoteDialog, RollbackDialog, targetsFrom } from '../components/promote-dialog';
import { formatTime } from '../format';
import { useLoad } from '../hooks';
import { canApprove, canPromote } from '../roles';
import { Link, seg } from '../router';
import { placements, productionStrip } from '../stage-history';
import type { Drift, Me, ModelVersion, Page, Promotion, StageChange, StagesAt } from '../types';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 90;
const HISTORY_PAGE = 1000;
/** Enough for any model's 90 days; past it the strip starts at the window with GET history?at's answer. */
const HISTORY_PAGES = 10;

/** Stage changes newest first, until one older than the window (or the first record); `complete` when the first record was reached. */
async function loadChanges(name: string, windowStart: number): Promise<{ changes: StageChange[]; complete: boolean }> {
  const changes: StageChange[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < HISTORY_PAGES; pages++) {
    const page = await get<Page<StageChange>>(`/models/${seg(name)}/history`, { max_results: HISTORY_PAGE, page_token: token });
    changes.push(...page.items);
    token = page.next_page_token;
    const oldest = changes[changes.length - 1];
    if (!token || (oldest && Date.parse(oldest.at) <= windowStart)) break;
  }
  return { changes, complete: !token };
}

async function load(name: string) {
  const now = Date.now();
  const windowStart = now - WINDOW_DAYS * DAY_MS;
  const [versions, done, open, history, atStart] = await Promise.all([
    get<Page<ModelVersion>>(`/models/${seg(name)}/versions`, { max_results: 1000 }),
    get<Page<Promotion>>('/promotions', { model: name, status: 'completed', max_results: 1000 }),
    get<Page<Drift>>('/drift', { status: 'open', max_results: 1000 }),
    loadChanges(name, windowStart),
    get<StagesAt>(`/models/${seg(name)}/history`, { at: new Date(windowStart).toISOString() }),
  ]);
  return {
    versions: versions.items,
    done: done.items,
    drifts: new Map(open.items.filter((d) => d.model === name).map((d) => [d.version, d])),
    placed: placements(versions.items, history.changes),
    complete: history.complete,
    atStart,
    strip: productionStrip({ windowStart, now, atStart: atStart.stages.Production, changes: history.changes, complete: history.complete }),
  };
}

type Loaded = Awaited<ReturnType<typeof load>>;
type Open = { kind: 'promote'; version: ModelVersion } | { kind: 'rollback'; current: string } | { kind: 'adopt'; drift: Drift };

/** Who (or what) each recorded change is by, and how it came about. */
const PLACED_BY: Record<string, (c: StageChange) => [string, string]> = {
  'promotion.completed': (c) => [c.actor, 'promotion'],
  rollback: (c) => [c.actor, 'rollback'],
  'promotion.rejected': (c) => [c.actor, 'rejection'],
  'registry.baseline_adopted': () => ['MLflow', 'found there at first sight'],
  'registry.drift_detected': () => ['MLflow', 'changed there, not through modelgate'],
  'registry.adopted': (c) => [c.actor, 'adoption'],
  'registry.drift_reverted': (c) => [c.actor, 'revert'],
  'registry.drift_resolved': () => ['MLflow', 'went back by itself'],
};

/** The completed promotion (or rollback) behind a change, for a link: the one involving the version nearest in time. */
function promotionOf(c: StageChange, done: Promotion[]): Promotion | undefined {
  if (c.action !== 'promotion.completed' && c.action !== 'rollback') return undefined;
  const distance = (p: Promotion) => Math.abs(Date.parse(p.completed_at ?? p.updated_at) - Date.parse(c.at));
  const involved = done.filter((p) => (p.version === c.version && p.to_stage === c.to_stage) || p.archived_versions.includes(c.version));
  return involved.sort((a, b) => distance(a) - distance(b))[0];
}

/** When the record of a version is older than the changes loaded: since when GET history?at says it held its stage. */
function sinceBeforeWindow(v: ModelVersion, data: Loaded): string | undefined {
  if (v.stage === 'None' || data.complete) return undefined;
  return data.atStart.stages[v.stage]?.find((h) => h.version === v.version)?.since;
}

function PlacedBy({ v, data }: { v: ModelVersion; data: Loaded }) {
  const c = data.placed.get(v.version);
  if (!c) {
    if (v.stage === 'None') return <span class="muted">—</span>;
    return <span class="muted">{sinceBeforeWindow(v, data) ? `before the last ${WINDOW_DAYS} days` : 'not through modelgate'}</span>;
  }
  const [who, how] = (PLACED_BY[c.action] ?? ((x: StageChange) => [x.actor, x.action]))(c);
  const p = promotionOf(c, data.done);
  return (
    <>
      {p ? <Link to={`/promotions/${seg(p.id)}`}>{who}</Link> : who} <span class="muted">({how})</span>
    </>
  );
}

function placedAt(v: ModelVersion, data: Loaded): string | null {
  const c = data.placed.get(v.version);
  if (c) return c.at;
  return v.stage === 'None' ? v.created_at : (sinceBeforeWindow(v, data) ?? null);
}

/** The stage, MLflow's aliases on the version, and an open drift when there is one. */
function StageCell({ v, drift }: { v: ModelVersion; drift?: Drift }) {
  return (
    <>
      <StatusBadge status={v.stage} />
      {v.aliases.map((a) => (
        <code key={a} class="alias">
          @{a}
        </code>
      ))}
      {drift ? (
        <div class="drift-note">
          <Link to={withQuery('/drift', { status: 'open', project: drift.project })}>Open drift</Link>: modelgate expects{' '}
          {placeText(drift.expected_stage, drift.expected_aliases)}
        </div>
      ) : null}
    </>
  );
}

export function ModelPage({ me, name }: { me: Me; name: string }) {
  const page = useLoad(() => load(name), [name]);
  const [open, setOpen] = useState<Open>();
  const [adopted, setAdopted] = useState<Drift>();
  if (!page.data) return <Pending load={page} what={`model ${name}`} />;
  const data = page.data;
  const production = data.versions.find((v) => v.stage === 'Production');
  const close = () => setOpen(undefined);
  const adoptedNow = (d: Drift) => {
    setOpen(undefined);
    setAdopted(d);
    page.reload();
  };
  const actions = canPromote(me) || canApprove(me);
  const rollback =
    canPromote(me) && production ? (
      <button type="button" onClick={() => setOpen({ kind: 'rollback', current: production.version })}>
        Roll back…
      </button>
    ) : null;
  return (
    <>
      <h1>{name}</h1>
      <div role="status" aria-live="polite">
        {adopted ? (
          <p class="ok">
            You adopted {adopted.model} version {adopted.version}: modelgate now expects it as MLflow holds it.
          </p>
        ) : null}
      </div>
      <Section title={`Production over the last ${WINDOW_DAYS} days`}>
        <ProductionStripView model={name} strip={data.strip} />
      </Section>
      <Section title={`Versions (${data.versions.length})`} actions={rollback}>
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stage and aliases</th>
              <th scope="col">Put there by</th>
              <th scope="col">When</th>
              {actions ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => {
              const drift = data.drifts.get(v.version);
              return (
                <tr key={v.version} class={drift ? 'drifted' : undefined}>
                  <th scope="row">{v.version}</th>
                  <td>
                    <StageCell v={v} drift={drift} />
                  </td>
                  <td>
                    <PlacedBy v={v} data={data} />
                  </td>
                  <td class="nowrap">{formatTime(placedAt(v, data))}</td>
                  {actions ? (
                    <td class="row-actions">
                      {canPromote(me) && targetsFrom(v.stage).length ? (
                        <button type="button" onClick={() => setOpen({ kind: 'promote', version: v })}>
                          Promote…
                        </button>
                      ) : null}
                      {canApprove(me) && drift ? (
                        <button type="button" onClick={() => setOpen({ kind: 'adopt', drift })}>
                          Adopt…
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
      {open?.kind === 'adopt' ? <AdoptDialog drift={open.drift} onClose={close} onDone={adoptedNow} /> : null}
    </>
  );
}
