import { useState } from 'preact/hooks';
import { get } from '../api';
import { ErrorNote, Pending, Section, StatusBadge } from '../components/common';
import { ApprovalCount, DecisionPanel, decidedVerb } from '../components/decision-panel';
import { PromotionFacts, PromotionTitle } from '../components/promotion-facts';
import { formatTime, timeLeft } from '../format';
import { useLoad, useNow } from '../hooks';
import { canApprove } from '../roles';
import type { Me, Page, Promotion } from '../types';

/** Within the 5 s an approver may wait to see a new request. */
const REFRESH_MS = 3000;

async function loadInbox(me: Me): Promise<{ mine: Promotion[]; open: Promotion[] }> {
  const [mine, pending, approved] = await Promise.all([
    canApprove(me) ? get<Page<Promotion>>('/promotions', { status: 'pending_approval', awaiting: 'me' }) : Promise.resolve({ items: [] }),
    get<Page<Promotion>>('/promotions', { status: 'pending_approval' }),
    // Every vote in, MLflow not reached yet: still open, shown as `approved` until applied.
    get<Page<Promotion>>('/promotions', { status: 'approved' }),
  ]);
  const awaiting = new Set(mine.items.map((p) => p.id));
  return { mine: mine.items, open: [...approved.items, ...pending.items].filter((p) => !awaiting.has(p.id)) };
}

export function InboxPage({ me }: { me: Me }) {
  const inbox = useLoad(() => loadInbox(me), [me.name], REFRESH_MS);
  const now = useNow(1000);
  // A decided request leaves the list at the next load: say what became of it.
  const [recent, setRecent] = useState<Promotion[]>([]);
  const decided = (p: Promotion) => {
    setRecent((r) => [p, ...r.filter((x) => x.id !== p.id)].slice(0, 5));
    inbox.reload();
  };
  if (!inbox.data) return <Pending load={inbox} what="the inbox" />;
  const { mine, open } = inbox.data;
  return (
    <>
      <h1>Inbox</h1>
      <ErrorNote error={inbox.error} />
      <RecentDecisions me={me} recent={recent} />
      {canApprove(me) ? (
        <Section title={`Awaiting your decision (${mine.length})`}>
          {mine.length === 0 ? <p class="muted">Nothing awaits you. This page refreshes by itself.</p> : null}
          {mine.map((p) => (
            <article key={p.id} class="request" aria-label={`${p.model} version ${p.version} to ${p.to_stage}`}>
              <h3>
                <PromotionTitle promotion={p} />
              </h3>
              <PromotionFacts promotion={p} now={now} />
              <DecisionPanel promotion={p} onDecided={decided} />
            </article>
          ))}
        </Section>
      ) : null}
      <Section title={`Open promotions (${open.length})`}>
        {open.length === 0 ? (
          <p class="muted">No other promotion is waiting.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Promotion</th>
                <th scope="col">Status</th>
                <th scope="col">Requested by</th>
                <th scope="col">Approvals</th>
                <th scope="col">Time left</th>
                <th scope="col">Requested</th>
              </tr>
            </thead>
            <tbody>
              {open.map((p) => (
                <tr key={p.id}>
                  <td>
                    <PromotionTitle promotion={p} />
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td>{p.requested_by}</td>
                  <td>
                    <ApprovalCount promotion={p} />
                  </td>
                  <td>{p.status === 'pending_approval' ? timeLeft(p.expires_at, now) : '—'}</td>
                  <td>{formatTime(p.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}

function RecentDecisions({ me, recent }: { me: Me; recent: Promotion[] }) {
  return (
    <div role="status" aria-live="polite">
      {recent.length ? (
        <ul class="plain ok">
          {recent.map((p) => (
            <li key={p.id}>
              You {decidedVerb(p, me.name)} <PromotionTitle promotion={p} />: it is now{' '}
              <StatusBadge status={p.status} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
