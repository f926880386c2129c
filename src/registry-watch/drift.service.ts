import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { DomainEvents } from '../common/domain-events';
import { Page, SEQ_PAGES } from '../common/http/pagination';
import { ModelLock } from '../database/model-lock';
import { LockTimeoutError, LockedSession } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { VersionState, expectationOf, managedAliases, withVersionState } from './drift';
import { adoptedEntry } from './drift-audit';
import { Drift, DriftFilter, DriftStore } from './drift.store';
import { ExpectationStore, ExpectationWrite } from './expectation.store';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { RegistryModes } from '../registry-mode/registry-modes';
import { RegistryWatchError, RegistryWatchErrorCode } from './registry-watch.errors';

/** How long an adoption waits for a promotion of the same model before answering 409. */
const WAIT_MS = 15_000;

export interface AdoptCommand {
  model: string;
  version: string;
  actor: string;
  reason: string;
}

/** Drifts: listed, and adopted (MLflow's current state of a version accepted as what modelgate expects). */
@Injectable()
export class DriftService {
  private readonly logger = new Logger(DriftService.name);

  constructor(
    private readonly drifts: DriftStore,
    private readonly store: ExpectationStore,
    private readonly projects: ProjectDirectory,
    private readonly modes: RegistryModes,
    private readonly lock: ModelLock,
    private readonly audit: AuditLog,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
  ) {}

  /** Newest detection first, keyset-paged by its audit seq. */
  async list(filter: DriftFilter, limit: number, pageToken?: string): Promise<Page<Drift>> {
    const beforeSeq = SEQ_PAGES.decode(pageToken)?.before_seq;
    const rows = await this.drifts.list(filter, limit + 1, beforeSeq);
    return SEQ_PAGES.page(rows, limit, (last) => ({ before_seq: last.detectedSeq }));
  }

  /** Under the model's lock: answers the drift, resolved. 409 NOTHING_TO_ADOPT when the version has no open drift. */
  async adopt(cmd: AdoptCommand): Promise<Drift> {
    const project = await this.projects.findByModel(cmd.model);
    const mode = await this.modes.of(project);
    try {
      return await this.lock.hold(cmd.model, WAIT_MS, (session) => this.adoptLocked(cmd, project, mode, session));
    } catch (err) {
      if (err instanceof LockTimeoutError) {
        throw new RegistryWatchError(RegistryWatchErrorCode.CHANGE_IN_PROGRESS, `Another change to ${cmd.model} is being applied; try again`);
      }
      throw err;
    }
  }

  private async adoptLocked(cmd: AdoptCommand, project: ResolvedProject | undefined, mode: RegistryMode, session: LockedSession): Promise<Drift> {
    const { model, version } = cmd;
    const drift = (await session.run((tx) => this.drifts.open(model, tx))).find((d) => d.version === version);
    if (!drift) throw new RegistryWatchError(RegistryWatchErrorCode.NOTHING_TO_ADOPT, `Version ${version} of ${model} has no open drift: MLflow holds it as modelgate expects`);
    const managed = mode.managedAliases;
    const current = await mode.version(model, version);
    const adopted: VersionState = { stage: current.stage, aliases: managedAliases(current.aliases, managed) };
    const resolved = await session.run(async (tx) => {
      const account = await this.store.account(model, tx);
      const was = expectationOf(account.expectations, version, managed);
      const event = await this.audit.append(adoptedEntry(cmd.actor, cmd.reason, model, project?.name ?? null, drift.id, version, was, adopted), tx);
      // The aliases it takes leave the versions expected to hold them.
      const rows: ExpectationWrite[] = [{ version, ...adopted, setBy: 'adoption', setByRef: String(event.seq) }];
      for (const [v, next] of withVersionState(account.expectations, version, adopted)) {
        const before = account.expectations.get(v);
        if (v !== version && before && before.aliases.join() !== next.aliases.join()) rows.push({ ...before, aliases: next.aliases });
      }
      await this.store.put(model, rows, tx);
      return (await this.drifts.resolve(drift.id, { resolution: 'adopted', seq: event.seq, by: cmd.actor }, tx))!;
    });
    this.metrics.registryDrift.inc({ action: 'adopted' });
    // The gate forgets what it read of this model, as after a promotion.
    this.events.emit('model.stage_changed', { model });
    this.logger.log({ model, version, stage: adopted.stage, actor: cmd.actor }, 'drift adopted');
    return resolved;
  }
}
