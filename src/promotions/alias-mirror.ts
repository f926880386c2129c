import { Injectable, Logger } from '@nestjs/common';
import { MlflowClient } from '../mlflow/mlflow.client';

/** Stage → the MLflow alias that mirrors it, for clients on MLflow's alias API. */
const ALIASES = { Staging: 'staging', Production: 'production' } as const;

/**
 * Makes a model's `staging` / `production` aliases name the highest version in that stage. State
 * based, so calling it again after any failure converges; it never changes a stage.
 */
@Injectable()
export class AliasMirror {
  private readonly logger = new Logger(AliasMirror.name);

  constructor(private readonly mlflow: MlflowClient) {}

  async sync(model: string): Promise<void> {
    const registered = await this.mlflow.getRegisteredModel(model);
    for (const [stage, alias] of Object.entries(ALIASES)) {
      const want = registered.latestVersions.filter((v) => v.stage === stage).map((v) => v.version)[0];
      const have = registered.aliases.find((a) => a.alias === alias)?.version;
      if (want === have) continue;
      if (want) await this.mlflow.setAlias(model, alias, want);
      else await this.mlflow.deleteAlias(model, alias);
      this.logger.log({ model, alias, version: want ?? null }, 'MLflow alias mirrored to the stage');
    }
  }

  /** After a transition: never fails the caller; the reconciler retries what did not go through. */
  async syncQuietly(model: string): Promise<void> {
    try {
      await this.sync(model);
    } catch (err) {
      this.logger.warn({ err, model }, 'could not mirror stages to MLflow aliases; the reconciler will retry');
    }
  }
}
