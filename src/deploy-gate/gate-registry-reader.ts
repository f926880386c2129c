import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events';
import { ShortCache } from '../common/short-cache';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { ResolvedProject } from '../projects/project.types';
import type { RegistryMode } from '../registry-mode/registry-mode';
import type { ModelAccount } from '../registry-watch/expectation.store';
import { StageAccounts } from '../registry-watch/stage-accounts';
import type { RegistryAnswer } from './deploy-decision';

/** CI bursts ask the same thing many times a second; one MLflow read serves them for this long. */
const FRESH_MS = 1000;
/** While other replicas' stage changes cannot be heard, no answer older than this is reused. */
const UNHEARD_FRESH_MS = 100;

/**
 * What MLflow says about a model (the versions of the stages a deployment picks from: latest per
 * stage, or the stage aliases' holders in aliases mode) or one version, and what modelgate
 * expects of it (its account), shared by concurrent asks and kept ≤ 1 s. A stage change made
 * through modelgate (promotion, adoption, revert) forgets the model at once here, and on the other
 * replicas as soon as {@link StageChangeBridge} relays it (≤ 100 ms old answers meanwhile).
 */
@Injectable()
export class GateRegistryReader {
  private readonly cache = new ShortCache<RegistryAnswer>(FRESH_MS);
  private readonly accounts = new ShortCache<ModelAccount>(FRESH_MS);
  private hearsReplicas = false;

  constructor(
    private readonly stageAccounts: StageAccounts,
    events: DomainEvents,
  ) {
    events.on('model.stage_changed', ({ model }) => this.forget(model));
  }

  /** In the project's registry `mode`; `fresh`: not an answer read before this ask (to confirm what a cached one suggests). */
  read(mode: RegistryMode, model: string, version?: string, fresh = false): Promise<RegistryAnswer> {
    const key = version === undefined ? model : `${model}\u0000${version}`;
    return this.cache.get(key, () => this.fetch(mode, model, version), fresh ? -1 : this.maxAgeMs);
  }

  /** What modelgate expects of the project's model; a model never seen is adopted first (first sight). */
  account(project: ResolvedProject, fresh = false): Promise<ModelAccount> {
    return this.accounts.get(project.modelName, () => this.stageAccounts.read(project), fresh ? -1 : this.maxAgeMs);
  }

  forget(model: string): void {
    this.cache.forget((key) => key === model || key.startsWith(`${model}\u0000`));
    this.accounts.forget((key) => key === model);
  }

  forgetAll(): void {
    this.cache.forget(() => true);
    this.accounts.forget(() => true);
  }

  private get maxAgeMs(): number {
    return this.hearsReplicas ? FRESH_MS : UNHEARD_FRESH_MS;
  }

  /** Whether stage changes made on other replicas reach {@link forget} (their feed is live). */
  hearReplicas(live: boolean): void {
    // Changes may have been missed while the feed was down: start again from MLflow.
    if (live && !this.hearsReplicas) this.forgetAll();
    this.hearsReplicas = live;
  }

  private async fetch(mode: RegistryMode, model: string, version?: string): Promise<RegistryAnswer> {
    try {
      const versions = version === undefined ? await mode.deployable(model) : [await mode.version(model, version)];
      return { kind: 'versions', versions };
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MODEL_NOT_FOUND)) return { kind: 'model_missing' };
      if (isMlflowError(err, MlflowErrorCode.MODEL_VERSION_NOT_FOUND)) return { kind: 'version_missing' };
      throw err;
    }
  }
}
