import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.service';
import { LockedSession, Tx } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { DriftNotices } from '../notifications/drift-notices';
import { LifecyclePublisher } from '../lifecycle-events/lifecycle-publisher';
import type { DriftNotice } from '../notifications/notification.types';
import type { ResolvedProject } from '../projects/project.types';
import { DriftChanges, differences, driftChanges } from './drift';
import { WATCH_ACTOR, detectedEntry, noticeItemOf, resolvedEntry } from './drift-audit';
import { DriftReverter } from './drift-reverter';
import { Drift, DriftStore } from './drift.store';
import { ExpectationStore } from './expectation.store';
import { RegistryModes } from '../registry-mode/registry-modes';
import { FirstSight } from './first-sight';
import { RegistrySnapshots } from './registry-snapshot';

/** What checking one model did. */
export interface ModelCheck {
  model: string;
  /** `refused`: the project's config is refused by the MLflow it runs against (nothing compared). */
  outcome: 'checked' | 'baseline' | 'owed' | 'busy' | 'missing' | 'failed' | 'refused';
  detected: number;
  resolved: number;
  reverted: number;
}

export const checkOf = (model: string, outcome: ModelCheck['outcome']): ModelCheck => ({ model, outcome, detected: 0, resolved: 0, reverted: 0 });

/**
 * Compares one model with what modelgate expects, under the model's lock (so no promotion runs
 * meanwhile), and records what changed: each new drift audited once with its bus event, one notice
 * for the model, drifts that went away resolved. With `drift.action: revert`, MLflow is put back.
 */
@Injectable()
export class DriftChecker {
  private readonly logger = new Logger(DriftChecker.name);

  constructor(
    private readonly store: ExpectationStore,
    private readonly drifts: DriftStore,
    private readonly snapshots: RegistrySnapshots,
    private readonly firstSight: FirstSight,
    private readonly audit: AuditLog,
    private readonly lifecycle: LifecyclePublisher,
    private readonly notices: DriftNotices,
    private readonly reverter: DriftReverter,
    private readonly metrics: Metrics,
    private readonly modes: RegistryModes,
  ) {}

  async check(project: ResolvedProject, session: LockedSession): Promise<ModelCheck> {
    const model = project.modelName;
    const run = <T>(work: (tx: Tx) => Promise<T>) => session.run(work);
    const [account, open] = await run(async (tx) => [await this.store.account(model, tx), await this.drifts.open(model, tx)] as const);
    // What modelgate itself has yet to finish in MLflow is not drift.
    if (account.owedBy.length > 0) return checkOf(model, 'owed');
    const mode = await this.modes.of(project);
    const observed = await this.snapshots.read(model, mode);
    if (!observed) return checkOf(model, 'missing');
    if (!account.seenAt && (await this.firstSight.ensure(project, run, observed)) === 'first' && project.drift.adoptExisting) return checkOf(model, 'baseline');

    const found = differences(account.expectations, observed, mode.managedAliases);
    const changes = driftChanges(
      found,
      open.map((d) => ({ id: d.id, version: d.version, observed: d.observed })),
      new Set(observed.map((o) => o.version)),
    );
    const detected = await this.record(project, changes, open, run);
    const check = { ...checkOf(model, 'checked'), detected, resolved: changes.returned.length };
    if (project.drift.action === 'revert' && found.length > 0) check.reverted = await this.reverter.revert(project, mode, session, account.expectations, found);
    return check;
  }

  private async record(project: ResolvedProject, changes: DriftChanges, open: Drift[], run: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>): Promise<number> {
    const model = project.modelName;
    if (!changes.detected.length && !changes.returned.length && !changes.superseded.length) return 0;
    const superseded = new Map(changes.superseded.map((d) => [d.version, d.id]));
    await run(async (tx) => {
      for (const d of changes.superseded) await this.drifts.resolve(d.id, { resolution: 'superseded', seq: null, by: WATCH_ACTOR }, tx);
      for (const d of changes.returned) {
        const drift = open.find((o) => o.id === d.id)!;
        const event = await this.audit.append(resolvedEntry(model, project.name, d.id, d.version, drift.observed, drift.expected), tx);
        await this.drifts.resolve(d.id, { resolution: 'returned', seq: event.seq, by: WATCH_ACTOR }, tx);
      }
      const items: DriftNotice['drifts'] = [];
      for (const diff of changes.detected) {
        const id = randomUUID();
        const event = await this.audit.append(detectedEntry(model, project.name, diff, id, superseded.get(diff.version)), tx);
        await this.drifts.insert({ id, model, project: project.name, version: diff.version, expected: diff.expected, observed: diff.observed, mlflowUpdatedAt: diff.lastUpdatedAt, detectedSeq: event.seq }, tx);
        await this.lifecycle.driftDetected(tx, {
          model,
          version: diff.version,
          project: project.name,
          from_stage: diff.expected.stage,
          to_stage: diff.observed.stage,
          expected_stage: diff.expected.stage,
          observed_stage: diff.observed.stage,
          expected_aliases: diff.expected.aliases,
          observed_aliases: diff.observed.aliases,
          last_updated_timestamp: diff.lastUpdatedAt.getTime(),
          actor: WATCH_ACTOR,
          drift_id: id,
          audit_seq: event.seq,
        });
        items.push(noticeItemOf(diff, event.seq));
      }
      const notice: DriftNotice = { kind: 'detected', project: project.name, model, action: project.drift.action, drifts: items };
      await this.notices.enqueue(tx, notice, project.notifications.onDrift);
    });
    this.notices.wake();
    this.lifecycle.wake();
    if (changes.detected.length) this.metrics.registryDrift.inc({ action: 'detected' }, changes.detected.length);
    if (changes.returned.length) this.metrics.registryDrift.inc({ action: 'resolved' }, changes.returned.length);
    for (const d of changes.detected) {
      this.logger.warn({ model, version: d.version, expected: d.expected.stage, observed: d.observed.stage }, 'MLflow changed behind modelgate: drift detected');
    }
    return changes.detected.length;
  }
}
