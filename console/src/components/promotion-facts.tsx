import { formatTime, timeLeft } from '../format';
import { Link, seg } from '../router';
import type { Promotion } from '../types';
import { StatusBadge, VerdictTable } from './common';
import { ApprovalCount } from './decision-panel';

/** `recsys v2: Staging → Production`, linking to the promotion's page. */
export function PromotionTitle({ promotion: p, link = true }: { promotion: Promotion; link?: boolean }) {
  const text = `${p.model} version ${p.version}: ${p.from_stage} → ${p.to_stage}`;
  return link ? <Link to={`/promotions/${seg(p.id)}`}>{text}</Link> : <>{text}</>;
}

/** Who asked, why, where it stands, and the verdict: what an approver decides on. */
export function PromotionFacts({ promotion: p, now }: { promotion: Promotion; now: number }) {
  const commented = p.approvals.filter((a) => a.comment);
  return (
    <div class="request-body">
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={p.status} />
          {p.message ? <span class="muted"> {p.message}</span> : null}
        </dd>
        {p.project ? (
          <>
            <dt>Project</dt>
            <dd>{p.project}</dd>
          </>
        ) : null}
        <dt>Model</dt>
        <dd>
          <Link to={`/models/${seg(p.model)}`}>{p.model}</Link> version {p.version}
        </dd>
        <dt>Requested by</dt>
        <dd>
          {p.requested_by}, {formatTime(p.created_at)}
        </dd>
        <dt>Reason</dt>
        <dd class="prose">{p.reason}</dd>
        <dt>Approvals</dt>
        <dd>
          <ApprovalCount promotion={p} />
          {p.approvals.length ? ` — ${p.approvals.map((a) => `${a.approver} (${a.decision})`).join(', ')}` : ''}
        </dd>
        {p.status === 'pending_approval' ? (
          <>
            <dt>Time left</dt>
            <dd>{timeLeft(p.expires_at, now)}</dd>
          </>
        ) : null}
        {p.completed_at ? (
          <>
            <dt>Completed</dt>
            <dd>{formatTime(p.completed_at)}</dd>
          </>
        ) : null}
        {p.failure ? (
          <>
            <dt>Failure</dt>
            <dd>{p.failure}</dd>
          </>
        ) : null}
        {commented.length ? (
          <>
            <dt>Comments</dt>
            <dd>
              <ul class="plain">
                {commented.map((a) => (
                  <li key={a.approver}>
                    {a.approver}: {a.comment}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      <VerdictTable verdict={p.verdict} />
    </div>
  );
}
