import { useState } from 'preact/hooks';
import { api } from '../api';
import { useAction } from '../hooks';
import { navigate, seg } from '../router';
import type { DryRun, ModelVersion, Promotion, Stage } from '../types';
import { ErrorNote, VerdictTable } from './common';
import { Dialog } from './dialog';

/** The stage graph, as the server enforces it (it still decides): where a version may go from its stage. */
const NEXT: Record<Stage, Stage[]> = {
  None: ['Staging'],
  Staging: ['Production', 'Archived'],
  Production: ['Archived'],
  Archived: ['Staging'],
};

export const targetsFrom = (stage: Stage): Stage[] => NEXT[stage] ?? [];

/** A dry run asks for a reason too; it records nothing. */
const DRY_RUN_REASON = 'dry run from the console';

const OUTCOME: Record<DryRun['outcome'], string> = {
  apply: 'Every rule passes: the promotion would apply at once.',
  await_approval: 'Every rule passes: the promotion would wait for approvals.',
  deny: 'The promotion would be denied: a rule fails. Nothing was changed.',
};

/** Promote…: pick a stage the graph allows, see the dry-run verdict, then give the reason and confirm. */
export function PromoteDialog({ version, onClose, onDone }: { version: ModelVersion; onClose: () => void; onDone: () => void }) {
  const targets = targetsFrom(version.stage);
  const [stage, setStage] = useState<Stage>(targets[0]);
  const [preview, setPreview] = useState<DryRun>();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const path = `/models/${seg(version.name)}/versions/${seg(version.version)}/promote`;

  const check = () => run(async () => setPreview(await api<DryRun>('POST', path, { body: { stage, reason: DRY_RUN_REASON, dry_run: true } })));
  const confirm = () =>
    run(async () => {
      const done = await api<Promotion>('POST', path, { body: { stage, reason: reason.trim() }, idempotent: true });
      onDone();
      navigate(`/promotions/${seg(done.id)}`);
    });

  return (
    <Dialog title={`Promote ${version.name} version ${version.version}`} onClose={onClose}>
      <form class="stack" onSubmit={(e) => (e.preventDefault(), void (preview ? confirm() : check()))}>
        <fieldset>
          <legend>From {version.stage} to</legend>
          {targets.map((t) => (
            <label key={t} class="inline">
              <input type="radio" name="stage" value={t} checked={stage === t} onChange={() => (setStage(t), setPreview(undefined))} /> {t}
            </label>
          ))}
        </fieldset>
        {preview ? (
          <>
            <p class={preview.outcome === 'deny' ? 'error' : 'ok'} role="status">
              {OUTCOME[preview.outcome]}
            </p>
            <VerdictTable verdict={preview.verdict} caption="Dry-run verdict" />
            {preview.outcome !== 'deny' ? (
              <>
                <label for="promote-reason">Reason (3 to 500 characters, goes to the audit log)</label>
                <textarea id="promote-reason" rows={3} minLength={3} maxLength={500} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              </>
            ) : null}
          </>
        ) : null}
        <ErrorNote error={error} />
        <div class="decision-row">
          {!preview ? (
            <button type="submit" class="primary" disabled={busy}>
              Check (dry run)
            </button>
          ) : preview.outcome !== 'deny' ? (
            <button type="submit" class="primary" disabled={busy}>
              Promote to {stage}
            </button>
          ) : null}
        </div>
      </form>
    </Dialog>
  );
}

/** Roll back…: the previous Production version returns, the current one is archived; confirmed with a reason. */
export function RollbackDialog({ model, current, onClose, onDone }: { model: string; current: string; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const done = await api<Promotion>('POST', `/models/${seg(model)}/rollback`, { body: { reason: reason.trim() }, idempotent: true });
      onDone();
      navigate(`/promotions/${seg(done.id)}`);
    });
  };
  return (
    <Dialog title={`Roll back ${model}`} onClose={onClose}>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <p>
          Version {current} leaves Production for Archived, and the version that was in Production before it returns. No policy is checked.
        </p>
        <label for="rollback-reason">Reason (3 to 500 characters, goes to the audit log)</label>
        <textarea id="rollback-reason" rows={3} minLength={3} maxLength={500} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        <ErrorNote error={error} />
        <div class="decision-row">
          <button type="submit" class="danger" disabled={busy}>
            Roll back
          </button>
        </div>
      </form>
    </Dialog>
  );
}
