import { useState } from 'preact/hooks';
import { api } from '../api';
import { useAction } from '../hooks';
import { seg } from '../router';
import type { Drift, Stage } from '../types';
import { ErrorNote } from './common';
import { Dialog } from './dialog';

/** `Production (@champion, @production)`, or the stage alone. */
export function placeText(stage: Stage, aliases: string[]): string {
  return aliases.length ? `${stage} (${aliases.map((a) => `@${a}`).join(', ')})` : stage;
}

/**
 * Adopt…: MLflow's current state of a drifted version becomes what modelgate expects (the gate then
 * allows it again), audited with the approver's name and reason. The button confirms; it sends an
 * Idempotency-Key, so a retried click adopts once.
 */
export function AdoptDialog({ drift, onClose, onDone }: { drift: Drift; onClose: () => void; onDone: (resolved: Drift) => void }) {
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const path = `/models/${seg(drift.model)}/versions/${seg(drift.version)}/adopt`;
      onDone(await api<Drift>('POST', path, { body: { reason: reason.trim() }, idempotent: true }));
    });
  };
  return (
    <Dialog title={`Adopt ${drift.model} version ${drift.version}`} onClose={onClose}>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <p>
          MLflow holds version {drift.version} in {placeText(drift.observed_stage, drift.observed_aliases)}, but modelgate expects{' '}
          {placeText(drift.expected_stage, drift.expected_aliases)}: it was changed in MLflow, not through modelgate.
        </p>
        <p>
          Adopting accepts what MLflow holds now as what modelgate expects, and the deploy gate stops refusing the version for it. Nothing changes
          in MLflow. To undo the change instead, put MLflow back yourself.
        </p>
        <label for="adopt-reason">Reason (3 to 500 characters, goes to the audit log)</label>
        <textarea id="adopt-reason" rows={3} minLength={3} maxLength={500} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        <ErrorNote error={error} />
        <div class="decision-row">
          <button type="submit" class="primary" disabled={busy}>
            Adopt version {drift.version}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
