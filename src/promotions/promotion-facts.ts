import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditReader } from '../audit/audit-reader.service';
import { MlflowClient } from '../mlflow/mlflow.client';
import type { ModelVersion, Run } from '../mlflow/mlflow.types';
import type { Stage } from '../mlflow/stage';
import type { PolicyFacts } from '../policies/policy-verdict';
import type { StagePolicy } from '../projects/project.types';

/** What a promotion decision is made from, read once (and under the model's lock when it acts). */
export interface PromotionFacts {
  version: ModelVersion;
  /** The model's Production versions before the change (MLflow lists the highest one). */
  production: ModelVersion[];
  policy: PolicyFacts;
}

const metricsOf = (run: Run | undefined): Record<string, number> => Object.fromEntries((run?.metrics ?? []).map((m) => [m.key, m.value]));

/** Reads MLflow (never a cache) and the audit log; independent reads go out together. */
@Injectable()
export class PromotionFactsReader {
  constructor(
    private readonly mlflow: MlflowClient,
    private readonly audit: AuditReader,
  ) {}

  async gather(model: string, version: string, target: Stage, policy: StagePolicy | undefined, claimed: boolean): Promise<PromotionFacts> {
    const needsProduction = target === 'Production' || (policy?.noRegression.length ?? 0) > 0;
    const [mv, production, entered] = await Promise.all([
      this.mlflow.getModelVersion(model, version),
      needsProduction ? this.mlflow.getLatestVersions(model, ['Production']) : Promise.resolve([]),
      policy?.minHoursInStaging !== undefined ? this.enteredStaging(model, version) : Promise.resolve(undefined),
    ]);
    const current = production.find((p) => p.version !== version);
    const [run, productionRun] = await Promise.all([
      mv.runId && policy ? this.mlflow.getRun(mv.runId) : Promise.resolve(undefined),
      current?.runId && policy?.noRegression.length ? this.mlflow.getRun(current.runId) : Promise.resolve(undefined),
    ]);
    return {
      version: mv,
      production,
      policy: {
        candidate: { version, metrics: metricsOf(run), tags: { ...(run?.tags ?? {}), ...mv.tags } },
        enteredStagingAt: entered ?? (mv.stage === 'Staging' ? mv.updatedAt : undefined),
        production: current ? { version: current.version, metrics: metricsOf(productionRun) } : undefined,
        now: new Date(),
        modelClaimed: claimed,
      },
    };
  }

  /** When modelgate last moved this version into Staging; MLflow keeps no such history. */
  private async enteredStaging(model: string, version: string): Promise<Date | undefined> {
    const event = await this.audit.latest({ model, version, actions: [AuditAction.PROMOTION_COMPLETED], toStage: 'Staging' });
    return event ? new Date(event.at) : undefined;
  }
}
