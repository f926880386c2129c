import { Injectable, Logger } from '@nestjs/common';
import { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { ModelVersion, RegisteredModel } from '../mlflow/mlflow.types';
import { nameFilter } from '../mlflow/mlflow.wire';
import type { RegistryMode } from '../registry-mode/registry-mode';
import type { ObservedVersion } from './drift';

const PAGE_SIZE = 1000;
const MAX_PAGES = 200;

/**
 * Reads a model's every version from MLflow (never a cache): MLflow's stage and the tags from a
 * version search, aliases from the model; each version's stage as the project's mode reads it.
 */
@Injectable()
export class RegistrySnapshots {
  private readonly logger = new Logger(RegistrySnapshots.name);

  constructor(private readonly mlflow: MlflowClient) {}

  /** Undefined when MLflow has no such model (nothing to observe yet). */
  async read(model: string, mode: Pick<RegistryMode, 'stageOf'>): Promise<ObservedVersion[] | undefined> {
    const filter = nameFilter(model);
    if (!filter) {
      this.logger.warn({ model }, 'a model name with both kinds of quote cannot be searched in MLflow; not watched');
      return undefined;
    }
    const [registered, versions] = await Promise.all([this.registered(model), this.allVersions(filter)]);
    if (!registered) return undefined;
    const aliases = new Map<string, string[]>();
    for (const { alias, version } of registered.aliases) aliases.set(version, [...(aliases.get(version) ?? []), alias]);
    return versions
      .filter((v) => v.name === model)
      .map((v) => {
        const held = (aliases.get(v.version) ?? []).sort();
        return { version: v.version, stage: mode.stageOf({ ...v, aliases: held }), aliases: held, lastUpdatedAt: v.updatedAt };
      });
  }

  private async registered(model: string): Promise<RegisteredModel | undefined> {
    try {
      return await this.mlflow.getRegisteredModel(model);
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MODEL_NOT_FOUND)) return undefined;
      throw err;
    }
  }

  private async allVersions(filter: string): Promise<ModelVersion[]> {
    const all: ModelVersion[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.mlflow.searchModelVersions({ filter, maxResults: PAGE_SIZE, pageToken });
      all.push(...result.items);
      if (!result.nextPageToken || result.nextPageToken === pageToken) return all;
      pageToken = result.nextPageToken;
    }
    throw new Error(`more than ${MAX_PAGES * PAGE_SIZE} versions: not compared, rather than compared in part`);
  }
}
