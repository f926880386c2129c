import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import type { TxRunner } from '../database/transactions';
import type { ResolvedProject } from '../projects/project.types';
import { RegistryModes } from '../registry-mode/registry-modes';
import { ObservedVersion, baselineOf } from './drift';
import { baselineEntry } from './drift-audit';
import { ExpectationStore } from './expectation.store';
import { RegistrySnapshots } from './registry-snapshot';

/** `seen`: known before; `first`: seen now (adopted, or not with adopt_existing off); `missing`: not in MLflow yet. */
export type Sighting = 'seen' | 'first' | 'missing';

/**
 * The first time modelgate observes a project's model (a watcher round, a gate decision or a
 * promotion, whichever comes first), MLflow's state becomes what it expects, audited once: putting
 * modelgate in front of a registry never blocks a deploy that was allowed before.
 */
@Injectable()
export class FirstSight {
  private readonly logger = new Logger(FirstSight.name);

  constructor(
    private readonly store: ExpectationStore,
    private readonly snapshots: RegistrySnapshots,
    private readonly audit: AuditLog,
    private readonly modes: RegistryModes,
  ) {}

  /**
   * `run` is where to write (a locked session, or a plain transaction) and `read` where to look
   * first (default: `run`); `observed` spares a second MLflow read.
   */
  async ensure(project: ResolvedProject, run: TxRunner, observed?: ObservedVersion[], read: TxRunner = run): Promise<Sighting> {
    const model = project.modelName;
    if ((await read((tx) => this.store.account(model, tx))).seenAt) return 'seen';
    const mode = await this.modes.of(project);
    const versions = observed ?? (await this.snapshots.read(model, mode));
    if (!versions) return 'missing';
    const adopt = project.drift.adoptExisting;
    const claimed = await run(async (tx) => {
      if (!(await this.store.claimFirstSight(model, adopt, tx))) return false;
      if (!adopt) return true;
      const baseline = [...baselineOf(versions, mode.managedAliases)].map(([version, s]) => ({ version, ...s }));
      // Several first sights may race (gate, watcher, promotion): only the claimant writes and audits.
      const event = await this.audit.append(baselineEntry(model, project.name, baseline), tx);
      await this.store.insertMissing(model, baseline.map((v) => ({ ...v, setBy: 'baseline' as const, setByRef: String(event.seq) })), tx);
      return true;
    });
    if (!claimed) return 'seen';
    this.logger.log({ model, project: project.name, adopted: adopt, versions: versions.length }, adopt ? 'first sight: MLflow state adopted as the baseline' : 'first sight: nothing adopted (adopt_existing is off)');
    return 'first';
  }
}
