import { Injectable, Logger } from '@nestjs/common';
import type { LockedSession, Tx } from '../database/transactions';
import { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { Provenance } from '../registry-mode/provenance';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { OwedProvenance, ProvenanceStore } from './provenance.store';
import type { MovedVersion } from './registry-expectations';

/**
 * modelgate.* provenance tags on the versions modelgate changed, so MLflow's own UI shows who put
 * a version there and which promotion and audit event say why. Owed in the change's transaction,
 * written after its commit; a write MLflow does not take never fails the change: it stays owed for
 * the reconciler. These tags are never compared by the drift watcher, so an owed one is not drift
 * (and MLflow 3's webhook deliveries for them find nothing to report).
 */
@Injectable()
export class VersionProvenance {
  private readonly logger = new Logger(VersionProvenance.name);

  constructor(
    private readonly store: ProvenanceStore,
    private readonly mlflow: MlflowClient,
  ) {}

  /** In the change's transaction, after its audit event (whose seq the tags carry). */
  async owe(tx: Tx, model: string, moved: MovedVersion[], provenance: Provenance, mode: Pick<RegistryMode, 'writesProvenance' | 'provenanceTags'>): Promise<void> {
    if (!mode.writesProvenance) return;
    await this.store.owe(model, moved.map((m) => ({ version: m.version, tags: mode.provenanceTags(m.stage, provenance) })), tx);
  }

  /** Under the model's lock: writes what the model is owed, every tag at once. Never throws; what fails stays owed. */
  async writeQuietly(session: LockedSession, model: string): Promise<void> {
    try {
      const rows = await session.read((tx) => this.store.owed(model, tx));
      const taken = await Promise.all(rows.map((row) => this.send(model, row)));
      const written = rows.filter((_, i) => taken[i]);
      if (written.length === 0) return;
      await session.run(async (tx) => {
        for (const row of written) await this.store.written(model, row, tx);
      });
    } catch (err) {
      this.logger.warn({ err, model }, 'could not record the provenance tags written; the reconciler will retry');
    }
  }

  /** Models with provenance tags still owed, for the reconciler. */
  modelsOwed(): Promise<string[]> {
    return this.store.modelsOwed();
  }

  /** True when the version holds its tags now, or is gone from MLflow (nowhere to carry them). */
  private async send(model: string, row: OwedProvenance): Promise<boolean> {
    try {
      await Promise.all(Object.entries(row.tags).map(([key, value]) => this.mlflow.setModelVersionTag(model, row.version, key, value)));
      return true;
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MODEL_VERSION_NOT_FOUND) || isMlflowError(err, MlflowErrorCode.MODEL_NOT_FOUND)) return true;
      this.logger.warn({ err, model, version: row.version }, 'MLflow did not take the provenance tags; the reconciler will retry');
      return false;
    }
  }
}
