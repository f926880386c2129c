import { useState } from 'preact/hooks';
import { api } from '../api';
import { useAction } from '../hooks';
import type { Promotion } from '../types';
import { ErrorNote } from './common';

const approvalsGiven = (p: Promotion) => p.approvals.filter((a) => a.decision === 'approve').length;

/** "n of N approvals", and who gave them. */
export function ApprovalCount({ promotion }: { promotion: Promotion }) {
  const given = approvalsGiven(promotion);
  const missing = Math.max(0, promotion.approvals_required - given);
  return (
    <span class="approvals">
      {given} of {promotion.approvals_required} approvals{missing > 0 && promotion.status === 'pending_approval' ? ` (${missing} missing)` : ''}
    </span>
  );
}

/** What the caller's vote on `p` was, as a past-tense verb. */
export const decidedVerb = (p: Promotion, me: string) => (p.approvals.find((a) => a.approver === me)?.decision === 'reject' ? 'rejected' : 'approved');

/**
 * Approve, or reject with a comment (archiving a Staging → Production candidate unless unticked, as
 * the API does by default). Each click sends its own Idempotency-Key; the server's refusal (a
 * requester deciding, a second vote) is shown as it words it. The page says what became of it.
 */
export function DecisionPanel({ promotion, onDecided }: { promotion: Promotion; onDecided: (p: Promotion) => void }) {
  const [comment, setComment] = useState('');
  const [archive, setArchive] = useState(true);
  const { busy, error, setError, run } = useAction();
  const offersArchive = promotion.from_stage === 'Staging' && promotion.to_stage === 'Production';
  const id = `decide-${promotion.id}`;

  const decide = async (action: 'approve' | 'reject') => {
    if (action === 'reject' && comment.trim() === '') {
      setError(new Error('Say why in the comment: a rejection needs one.'));
      return;
    }
    await run(async () => {
      const body = action === 'approve' ? { ...(comment.trim() ? { comment: comment.trim() } : {}) } : { comment: comment.trim(), ...(offersArchive ? { archive } : {}) };
      onDecided(await api<Promotion>('POST', `/promotions/${promotion.id}/${action}`, { body, idempotent: true }));
    });
  };

  return (
    <form class="decision" aria-label={`Decide on ${promotion.model} version ${promotion.version}`} onSubmit={(e) => (e.preventDefault(), void decide('approve'))}>
      <label for={`${id}-comment`}>Comment</label>
      <textarea id={`${id}-comment`} rows={2} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} placeholder="Optional when approving; required to reject" />
      <div class="decision-row">
        <button type="submit" class="primary" disabled={busy}>
          Approve
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void decide('reject')}>
          Reject
        </button>
        {offersArchive ? (
          <label class="inline">
            <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.currentTarget.checked)} /> archive the candidate when rejecting
          </label>
        ) : null}
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
