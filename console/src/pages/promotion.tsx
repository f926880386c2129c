import { useState } from 'preact/hooks';
import { get } from '../api';
import { ErrorNote, Pending, Section, StatusBadge } from '../components/common';
import { DecisionPanel, decidedVerb } from '../components/decision-panel';
import { PromotionFacts, PromotionTitle } from '../components/promotion-facts';
import { formatTime } from '../format';
import { useLoad, useNow } from '../hooks';
import { canApprove } from '../roles';
import type { AuditEvent, Me, Page, Promotion } from '../types';

const REFRESH_MS = 5000;

/** The audit events behind one promotion, oldest first (they name it in their details). */
async function timelineOf(p: Promotion): Promise<AuditEvent[]> {
  const page = await get<Page<AuditEvent>>('/audit', { model: p.model, version: p.version, max_results: 500 });
  return page.items.filter((e) => e.details.promotion_id === p.id).reverse();
}

async function load(id: string): Promise<{ promotion: Promotion; timeline: AuditEvent[] }> {
  const promotion = await get<Promotion>(`/promotions/${encodeURIComponent(id)}`);
  return { promotion, timeline: await timelineOf(promotion) };
}

/** What an event adds: the request's reason, a vote's comment (every event repeats the reason). */
const detailOf = (e: AuditEvent): string => {
  if (typeof e.details.comment === 'string' && e.details.comment) return e.details.comment;
  return e.action === 'promotion.requested' || e.action === 'rollback' ? (e.reason ?? '') : '';
};

export function PromotionPage({ me, id }: { me: Me; id: string }) {
  const page = useLoad(() => load(id), [id], REFRESH_MS);
  const now = useNow(1000);
  const [decided, setDecided] = useState<Promotion>();
  const onDecided = (p: Promotion) => {
    setDecided(p);
    page.reload();
  };
  if (!page.data) return <Pending load={page} what="the promotion" />;
  const { promotion: p, timeline } = page.data;
  return (
    <>
      <h1>
        <PromotionTitle promotion={p} link={false} />
      </h1>
      <ErrorNote error={page.error} />
      <div role="status" aria-live="polite">
        {decided ? (
          <p class="ok">
            You {decidedVerb(decided, me.name)} this promotion: it is now <StatusBadge status={decided.status} />
          </p>
        ) : null}
      </div>
      <Section title="Promotion">
        <PromotionFacts promotion={p} now={now} />
      </Section>
      {canApprove(me) && p.status === 'pending_approval' ? (
        <Section title="Your decision">
          <DecisionPanel promotion={p} onDecided={onDecided} />
        </Section>
      ) : null}
      <Section title="Timeline">
        {timeline.length === 0 ? (
          <p class="muted">No audit event names this promotion yet.</p>
        ) : (
          <ol class="timeline">
            {timeline.map((e) => (
              <li key={e.seq}>
                <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{e.action}</strong> by {e.actor}
                {detailOf(e) ? <span class="muted"> — {detailOf(e)}</span> : null} <span class="seq">#{e.seq}</span>
              </li>
            ))}
          </ol>
        )}
      </Section>
    </>
  );
}
