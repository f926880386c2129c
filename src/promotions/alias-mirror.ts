import { Injectable, Logger } from '@nestjs/common';
import { LockedSession } from '../database/transactions';
import { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { RegisteredModel } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';
import { MIRRORED_ALIASES } from '../registry-mode/stage-aliases';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import { PromotionStore } from './promotion.store';

/**
 * Makes a model's `staging` / `production` aliases name the version modelgate last moved into that
 * stage while it is still there, else the highest version in it (MLflow's own pick). State based, so
 * calling it again after any failure converges; it never changes a stage.
 */
@Injectable()
export class AliasMirror {
  private readonly logger = new Logger(AliasMirror.name);

  constructor(
    private readonly mlflow: MlflowClient,
    private readonly store: PromotionStore,
    private readonly expectations: RegistryExpectations,
  ) {}

  /** Under the model's lock: modelgate's record is read on the session's own connection. */
  async sync(session: LockedSession, model: string): Promise<void> {
    const movedIn = await session.run((tx) => this.store.lastMovedInto(model, tx));
    const registered = await this.mlflow.getRegisteredModel(model);
    const holders: Record<string, string | undefined> = {};
    for (const [stage, alias] of Object.entries(MIRRORED_ALIASES) as [Stage, string][]) {
      const want = await this.versionFor(registered, stage, movedIn[stage]);
      holders[alias] = want;
      const have = registered.aliases.find((a) => a.alias === alias)?.version;
      if (want === have) continue;
      if (want) await this.mlflow.setAlias(model, alias, want);
      else await this.mlflow.deleteAlias(model, alias);
      this.logger.log({ model, alias, version: want ?? null }, 'MLflow alias mirrored to the stage');
    }
    // What it wrote is what modelgate now expects of the aliases; nothing is owed any more.
    await session.run((tx) => this.expectations.aliasesMirrored(tx, model, holders));
  }

  /** After a transition: never fails the caller; the reconciler retries what did not go through. */
  async syncQuietly(session: LockedSession, model: string): Promise<void> {
    try {
      await this.sync(session, model);
    } catch (err) {
      this.logger.warn({ err, model }, 'could not mirror stages to MLflow aliases; the reconciler will retry');
    }
  }

  private async versionFor(registered: RegisteredModel, stage: Stage, movedIn: string | undefined): Promise<string | undefined> {
    // MLflow lists only the highest version per stage; another one may be the one modelgate put there last.
    const highest = registered.latestVersions.find((v) => v.stage === stage)?.version;
    if (!movedIn || movedIn === highest) return highest;
    try {
      return (await this.mlflow.getModelVersion(registered.name, movedIn)).stage === stage ? movedIn : highest;
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MODEL_VERSION_NOT_FOUND)) return highest;
      throw err;
    }
  }
}
