import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events';
import { ShortCache } from '../common/short-cache';
import { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { RegistryAnswer } from './deploy-decision';

/** CI bursts ask the same thing many times a second; one MLflow read serves them for this long. */
const FRESH_MS = 1000;
/** While other replicas' stage changes cannot be heard, no answer older than this is reused. */
const UNHEARD_FRESH_MS = 100;

/**
 * What MLflow says about a model (latest version per stage) or one version, shared by concurrent
 * asks and kept ≤ 1 s. A stage change made through modelgate forgets the model at once here, and on
 * the other replicas as soon as {@link StageChangeBridge} relays it (≤ 100 ms old answers meanwhile).
 */
@Injectable()
export class GateRegistryReader {
  private readonly cache = new ShortCache<RegistryAnswer>(FRESH_MS);
  private hearsReplicas = false;

  constructor(
    private readonly mlflow: MlflowClient,
    events: DomainEvents,
  ) {
    events.on('model.stage_changed', ({ model }) => this.forget(model));
  }

  read(model: string, version?: string): Promise<RegistryAnswer> {
    const key = version === undefined ? model : `${model}\u0000${version}`;
    return this.cache.get(key, () => this.fetch(model, version), this.hearsReplicas ? FRESH_MS : UNHEARD_FRESH_MS);
  }

  forget(model: string): void {
    this.cache.forget((key) => key === model || key.startsWith(`${model}\u0000`));
  }

  forgetAll(): void {
    this.cache.forget(() => true);
  }

  /** Whether stage changes made on other replicas reach {@link forget} (their feed is live). */
  hearReplicas(live: boolean): void {
    // Changes may have been missed while the feed was down: start again from MLflow.
    if (live && !this.hearsReplicas) this.forgetAll();
    this.hearsReplicas = live;
  }

  private async fetch(model: string, version?: string): Promise<RegistryAnswer> {
    try {
      const versions = version === undefined ? await this.mlflow.getLatestVersions(model) : [await this.mlflow.getModelVersion(model, version)];
      return { kind: 'versions', versions };
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MODEL_NOT_FOUND)) return { kind: 'model_missing' };
      if (isMlflowError(err, MlflowErrorCode.MODEL_VERSION_NOT_FOUND)) return { kind: 'version_missing' };
      throw err;
    }
  }
}
