import { Injectable, Logger } from '@nestjs/common';
import { Page, decodePageToken, keysetPage } from '../common/http/pagination';
import { ShortCache } from '../common/short-cache';
import { Metrics } from '../metrics/metrics';
import type { ModelVersion } from '../mlflow/mlflow.types';
import { projectNotFound } from '../projects/projects.errors';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { DeployOutcome, RegistryAnswer, decide } from './deploy-decision';
import { DecisionCursor, DecisionFilter, DeployDecisionRecord, DeployDecisionStore, NewDeployDecision } from './deploy-decision.store';
import { DeployGateError, DeployGateErrorCode } from './deploy-gate.errors';
import { GateRegistryReader } from './gate-registry-reader';

export interface GateRequest {
  project: string;
  env: string;
  version?: string;
  commit?: string;
  pipelineUrl?: string;
  caller: string;
}

export interface AllowedDeployment {
  decisionId: string;
  project: string;
  env: string;
  model: string;
  version: ModelVersion;
}

/**
 * The one place CI asks whether a project may be deployed. Fails closed: when MLflow or PostgreSQL
 * cannot be asked, the answer is GATE_UNAVAILABLE, never allowed.
 */
@Injectable()
export class DeployGateService {
  private readonly logger = new Logger(DeployGateService.name);
  /** The gate only reads; a config edit reaches it within a second, like the MLflow read. */
  private readonly projectCache = new ShortCache<ResolvedProject | undefined>(1000);

  constructor(
    private readonly projects: ProjectDirectory,
    private readonly registry: GateRegistryReader,
    private readonly decisions: DeployDecisionStore,
    private readonly metrics: Metrics,
  ) {}

  /** Resolves with the version to deploy, or throws DEPLOY_DENIED / GATE_UNAVAILABLE / 404 / 400. */
  async decide(req: GateRequest): Promise<AllowedDeployment> {
    const project = await this.findProject(req);
    const allowedStages = project.deployGate[req.env];
    if (!allowedStages) {
      throw new DeployGateError(DeployGateErrorCode.ENV_NOT_CONFIGURED, `Project ${project.name} has no deploy_gate for env "${req.env}"`, {
        configured_envs: Object.keys(project.deployGate),
      });
    }
    const model = project.modelName;
    let answer: RegistryAnswer;
    try {
      answer = await this.registry.read(model, req.version);
    } catch (err) {
      const decision = await this.record(req, { model, outcome: 'unavailable', reasons: ['MLflow could not be asked'] });
      this.count(req, 'unavailable');
      this.logger.warn({ err, project: req.project, env: req.env }, 'deploy gate unavailable: MLflow could not be asked');
      throw this.unavailable('MLflow could not be asked; not allowing a deployment it cannot check', decision?.id);
    }
    const verdict = decide({ model, env: req.env, allowedStages, version: req.version }, answer);
    if (verdict.allowed) {
      const v = verdict.version;
      const decision = await this.record(req, { model, outcome: 'allowed', reasons: [], version: v });
      if (!decision) {
        this.count(req, 'unavailable');
        throw this.unavailable('The decision could not be recorded; not allowing an unrecorded deployment');
      }
      this.count(req, 'allowed');
      return { decisionId: decision.id, project: project.name, env: req.env, model, version: v };
    }
    const decision = await this.record(req, { model, outcome: 'denied', reasons: verdict.reasons });
    this.count(req, 'denied');
    throw new DeployGateError(DeployGateErrorCode.DEPLOY_DENIED, `Deployment of ${project.name} to ${req.env} denied: ${verdict.reasons.join('; ')}`, undefined, {
      allowed: false,
      decision_id: decision?.id ?? null,
      reasons: verdict.reasons,
    });
  }

  async list(filter: DecisionFilter, limit: number, pageToken?: string): Promise<Page<DeployDecisionRecord>> {
    const after = decodePageToken(pageToken, (c): c is DecisionCursor & Record<string, unknown> => typeof c.decidedAt === 'string' && typeof c.id === 'string');
    const rows = await this.decisions.list(filter, limit + 1, after);
    return keysetPage(rows, limit, (last) => ({ decidedAt: last.decidedAt.toISOString(), id: last.id }));
  }

  private async findProject(req: GateRequest): Promise<ResolvedProject> {
    let project: ResolvedProject | undefined;
    try {
      project = await this.projectCache.get(req.project, () => this.projects.findByName(req.project));
    } catch (err) {
      // The env is unchecked until the project is read: keep it out of the label.
      this.count({ ...req, env: 'unknown' }, 'unavailable');
      this.logger.error({ err, project: req.project, env: req.env, caller: req.caller }, 'deploy gate unavailable: PostgreSQL could not be asked');
      throw this.unavailable('The project could not be read; not allowing a deployment it cannot check');
    }
    if (!project) throw projectNotFound(req.project);
    return project;
  }

  /** Stores the decision; when PostgreSQL is down the decision is only logged and counted. */
  private async record(
    req: GateRequest,
    d: { model: string; outcome: DeployOutcome; reasons: string[]; version?: ModelVersion },
  ): Promise<DeployDecisionRecord | undefined> {
    const decision: NewDeployDecision = {
      project: req.project,
      env: req.env,
      model: d.model,
      version: d.version?.version ?? req.version ?? null,
      stage: d.version?.stage ?? null,
      runId: d.version?.runId ?? null,
      source: d.version?.source || null,
      outcome: d.outcome,
      reasons: d.reasons,
      caller: req.caller,
      commit: req.commit ?? null,
      pipelineUrl: req.pipelineUrl ?? null,
    };
    try {
      return await this.decisions.insert(decision);
    } catch (err) {
      this.logger.error({ err, decision }, 'deploy decision could not be stored');
      return undefined;
    }
  }

  private count(req: GateRequest, outcome: DeployOutcome): void {
    this.metrics.deployGateDecisions.inc({ env: req.env, outcome });
  }

  private unavailable(message: string, decisionId?: string): DeployGateError {
    return new DeployGateError(DeployGateErrorCode.GATE_UNAVAILABLE, message, undefined, { allowed: false, decision_id: decisionId ?? null });
  }
}
