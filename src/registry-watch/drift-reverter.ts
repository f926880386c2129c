import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { DomainEvents } from '../common/domain-events';
import { LockedSession } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { MlflowClient } from '../mlflow/mlflow.client';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { DriftNotices } from '../notifications/drift-notices';
import type { ResolvedProject } from '../projects/project.types';
import { Difference, VersionState, revertPlan } from './drift';
import { WATCH_ACTOR, noticeItemOf, revertedEntry } from './drift-audit';
import { DriftStore } from './drift.store';

/**
 * `drift.action: revert`: puts MLflow back to what modelgate expects, under the model's lock the
 * caller holds: the drifted versions to their expected stages (a Production version the change
 * archived back to Production, last) and the aliases involved. Expectations do not change.
 */
@Injectable()
export class DriftReverter {
  private readonly logger = new Logger(DriftReverter.name);

  constructor(
    private readonly mlflow: MlflowClient,
    private readonly drifts: DriftStore,
    private readonly audit: AuditLog,
    private readonly notices: DriftNotices,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
  ) {}

  /** Answers how many drifts it reverted; when MLflow refuses, none (the next check tries again). */
  async revert(project: ResolvedProject, mode: RegistryMode, session: LockedSession, expected: ReadonlyMap<string, VersionState>, found: Difference[]): Promise<number> {
    const model = project.modelName;
    const plan = revertPlan(found, expected, mode.managedAliases);
    try {
      for (const t of plan.transitions) await mode.putBack(model, t.version, t.to);
      for (const a of plan.aliases) await (a.version ? this.mlflow.setAlias(model, a.alias, a.version) : this.mlflow.deleteAlias(model, a.alias));
    } catch (err) {
      this.logger.warn({ err, model }, 'could not put MLflow back; the next check tries again');
      this.events.emit('model.stage_changed', { model });
      return 0;
    }
    // The version moved into Production (when one was) leads the one audit event of this revert.
    const primary = found.find((d) => d.observed.stage === 'Production' && d.expected.stage !== 'Production') ?? found[found.length - 1];
    await session.run(async (tx) => {
      const open = (await this.drifts.open(model, tx)).filter((o) => found.some((d) => d.version === o.version));
      if (open.length === 0) return;
      const others = found.filter((d) => d !== primary);
      const event = await this.audit.append(revertedEntry(model, project.name, primary, others, open.map((o) => o.id)), tx);
      for (const drift of open) await this.drifts.resolve(drift.id, { resolution: 'reverted', seq: event.seq, by: WATCH_ACTOR }, tx);
      const items = found.map((d) => noticeItemOf(d, event.seq));
      await this.notices.enqueue(tx, { kind: 'reverted', project: project.name, model, action: 'revert', drifts: items }, project.notifications.onDrift);
    });
    this.notices.wake();
    this.events.emit('model.stage_changed', { model });
    this.metrics.registryDrift.inc({ action: 'reverted' }, found.length);
    this.logger.warn({ model, versions: found.map((d) => d.version) }, 'MLflow put back to what modelgate expects (drift.action: revert)');
    return found.length;
  }
}
