import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditReader } from '../audit/audit-reader.service';
import type { TxRunner } from '../database/transactions';
import { MlflowClient } from '../mlflow/mlflow.client';
import type { ModelVersion, Run } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';
import type { PolicyFacts } from '../policies/policy-verdict';
import type { StagePolicy } from '../policies/policy-types';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { RegistryModes } from '../registry-mode/registry-modes';
import { RegistryExpectations } from '../registry-watch/registry-expectations';

/**
 * What a decision needs besides MLflow, read BEFORE the model's lock is taken: inside it, the
 * session holds one connection, and waiting for a second pooled one could starve the pool when
 * many models are promoted at once.
 */
export interface PolicyContext {
  project?: ResolvedProject;
  /** Where the project's stages live in MLflow (stages mode for a model no project claims). */
  mode: RegistryMode;
  policy?: StagePolicy;
  /** When modelgate last moved the version into Staging (audit log), for min_hours_in_staging. */
  enteredStagingAt?: Date;
}

/** What a promotion decision is made from, read once (and under the model's lock when it acts). */
export interface PromotionFacts {
  version: ModelVersion;
  /** The model's Production versions before the change (MLflow lists the highest one). */
  production: ModelVersion[];
  /** The versions entering the target stage archives (its previous holder, where it holds one version only). */
  displaced: string[];
  policy: PolicyFacts;
}

const metricsOf = (run: Run | undefined): Record<string, number> => Object.fromEntries((run?.metrics ?? []).map((m) => [m.key, m.value]));

/** Reads MLflow (never a cache) and the audit log; independent reads go out together. */
@Injectable()
export class PromotionFactsReader {
  constructor(
    private readonly mlflow: MlflowClient,
    private readonly audit: AuditReader,
    private readonly projects: ProjectDirectory,
    private readonly expectations: RegistryExpectations,
    private readonly modes: RegistryModes,
  ) {}

  /** The project, its registry mode, its policy for `target`, and the audit facts: call before taking the model's lock. */
  async context(model: string, version: string, target: Stage): Promise<PolicyContext> {
    const project = await this.projects.findByModel(model);
    const mode = await this.modes.of(project);
    const policy = project?.promotion[target];
    const enteredStagingAt = policy?.minHoursInStaging !== undefined ? await this.enteredStaging(model, version) : undefined;
    return { project, mode, policy, enteredStagingAt };
  }

  /**
   * MLflow's current facts (never a cache); under the lock when the caller acts on them, with
   * `inSession` reading on its session (modelgate's expectations of the version are read there, not on a second connection).
   */
  async gather(model: string, version: string, target: Stage, ctx: PolicyContext, inSession?: TxRunner): Promise<PromotionFacts> {
    const { policy, mode } = ctx;
    const needsProduction = target === 'Production' || (policy?.noRegression.length ?? 0) > 0;
    const displacesOther = target !== 'Production' && mode.exclusiveStages.includes(target);
    const [mv, production, holders] = await Promise.all([
      mode.version(model, version),
      needsProduction ? mode.holders(model, 'Production') : Promise.resolve([]),
      displacesOther ? mode.holders(model, target) : Promise.resolve([]),
    ]);
    const displaced = mode.exclusiveStages.includes(target) ? (target === 'Production' ? production : holders) : [];
    const current = production.find((p) => p.version !== version);
    const [run, productionRun] = await Promise.all([
      mv.runId && policy ? this.mlflow.getRun(mv.runId) : Promise.resolve(undefined),
      current?.runId && policy?.noRegression.length ? this.mlflow.getRun(current.runId) : Promise.resolve(undefined),
    ]);
    const drift = ctx.project ? await this.unaccounted(model, version, mv, inSession) : undefined;
    return {
      version: mv,
      production,
      displaced: displaced.filter((v) => v.version !== version).map((v) => v.version),
      policy: {
        candidate: { version, metrics: metricsOf(run), tags: { ...(run?.tags ?? {}), ...mv.tags } },
        enteredStagingAt: ctx.enteredStagingAt ?? (mv.stage === 'Staging' ? mv.updatedAt : undefined),
        production: current ? { version: current.version, metrics: metricsOf(productionRun) } : undefined,
        now: new Date(),
        modelClaimed: ctx.project !== undefined,
        ...(drift ? { drift } : {}),
      },
    };
  }

  private async unaccounted(model: string, version: string, mv: ModelVersion, inSession?: TxRunner) {
    const found = inSession
      ? await inSession((tx) => this.expectations.unaccounted(model, version, mv.stage, tx))
      : await this.expectations.unaccounted(model, version, mv.stage);
    return found && { expectedStage: found.expectedStage, observedStage: found.observedStage, ...(found.expectedSince ? { expectedSince: found.expectedSince } : {}) };
  }

  /** When modelgate last moved this version into Staging; MLflow keeps no such history. */
  private async enteredStaging(model: string, version: string): Promise<Date | undefined> {
    const event = await this.audit.latest({ model, version, actions: [AuditAction.PROMOTION_COMPLETED], toStage: 'Staging' });
    return event ? new Date(event.at) : undefined;
  }
}
