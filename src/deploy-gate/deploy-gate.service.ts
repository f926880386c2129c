import { Injectable, Logger } from '@nestjs/common';
import { Keyset, Page, cursorField } from '../common/http/pagination';
import { ShortCache } from '../common/short-cache';
import { Metrics } from '../metrics/metrics';
import { isMlflowError } from '../mlflow/mlflow.errors';
import type { ModelVersion } from '../mlflow/mlflow.types';
import { ProjectError, ProjectErrorCode, projectNotFound } from '../projects/projects.errors';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { RegistryModes } from '../registry-mode/registry-modes';
import { versionUri } from '../registry-mode/stage-aliases';
import { DriftCheckRequests } from '../registry-watch/drift-check-requests';
import { UnaccountedVersion, unaccountedIn } from '../registry-watch/stage-accounts';
import { DeployOutcome, GateQuestion, decide } from './deploy-decision';
import { DeployDecisionLog } from './deploy-decision-log';
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

/** What the reads of one decision add up to, before it is recorded. */
type Evaluation =
  | { kind: 'allowed'; version: ModelVersion }
  | { kind: 'denied'; reasons: string[] }
  | { kind: 'drift'; version: ModelVersion; drift: UnaccountedVersion; revision: number }
  | { kind: 'unavailable'; reason: 'mlflow' | 'postgres'; err: unknown };

/** Confirming a drift re-reads at most this many times while modelgate itself keeps changing the model. */
const CONFIRM_ATTEMPTS = 3;
/** Newest first: the next page starts after the last decision's time and id. */
const DECISION_PAGES = new Keyset<DecisionCursor>({ decidedAt: cursorField.instant, id: cursorField.uuid });

export interface AllowedDeployment {
  decisionId: string;
  project: string;
  env: string;
  model: string;
  version: ModelVersion;
  /** What loads the stage's version: `models:/recsys@champion` (aliases mode) or `models:/recsys/Production`. */
  modelUri: string;
  /** What loads exactly this version: `models:/recsys/3`. */
  versionUri: string;
}

/**
 * The one place CI asks whether a project may be deployed. Fails closed: when MLflow or PostgreSQL
 * cannot be asked, the answer is GATE_UNAVAILABLE, never allowed. Allows only what modelgate can
 * account for: a version in a stage modelgate did not put it in (drift) is denied at decision time.
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
    private readonly decisionLog: DeployDecisionLog,
    private readonly metrics: Metrics,
    private readonly driftChecks: DriftCheckRequests,
    private readonly modes: RegistryModes,
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
    const mode = await this.modeOf(project, req);
    const question: GateQuestion = { model, env: req.env, allowedStages, version: req.version };
    let outcome = await this.evaluate(project, mode, question, false);
    if (outcome.kind === 'drift') outcome = await this.confirm(project, mode, question);
    if (outcome.kind === 'unavailable') {
      const what = outcome.reason === 'mlflow' ? 'MLflow' : "modelgate's record of the model";
      const decision = await this.record(req, { model, outcome: 'unavailable', reasons: [`${what} could not be asked`] });
      this.count(req, 'unavailable');
      this.logger.warn({ err: outcome.err, project: req.project, env: req.env }, `deploy gate unavailable: ${what} could not be asked`);
      throw this.unavailable(`${what} could not be asked; not allowing a deployment it cannot check`, decision?.id);
    }
    if (outcome.kind === 'allowed') {
      const v = outcome.version;
      const decision = await this.record(req, { model, outcome: 'allowed', reasons: [], version: v });
      if (!decision) {
        this.count(req, 'unavailable');
        throw this.unavailable('The decision could not be recorded; not allowing an unrecorded deployment');
      }
      this.count(req, 'allowed');
      return { decisionId: decision.id, project: project.name, env: req.env, model, version: v, modelUri: mode.modelUri(model, v.stage), versionUri: versionUri(model, v.version) };
    }
    const reasons = outcome.kind === 'drift' ? [outcome.drift.reason] : outcome.reasons;
    // The watcher records and announces what the gate just saw, without waiting for its next round.
    if (outcome.kind === 'drift') this.driftChecks.checkSoon(model);
    const decision = await this.record(req, { model, outcome: 'denied', reasons, ...(outcome.kind === 'drift' ? { version: outcome.version } : {}) });
    this.count(req, 'denied');
    throw new DeployGateError(DeployGateErrorCode.DEPLOY_DENIED, `Deployment of ${project.name} to ${req.env} denied: ${reasons.join('; ')}`, undefined, {
      allowed: false,
      decision_id: decision?.id ?? null,
      reasons,
    });
  }

  /**
   * The project's registry mode; a project the MLflow it runs against cannot hold (aliases mode on
   * MLflow < 2.3) is refused with PROJECT_CONFIG_REFUSED, recorded as a denied decision.
   */
  private async modeOf(project: ResolvedProject, req: GateRequest): Promise<RegistryMode> {
    try {
      return await this.modes.of(project);
    } catch (err) {
      if (!(err instanceof ProjectError) || err.code !== ProjectErrorCode.PROJECT_CONFIG_REFUSED) throw err;
      const reasons = [err.message];
      const decision = await this.record(req, { model: project.modelName, outcome: 'denied', reasons });
      this.count(req, 'denied');
      throw new ProjectError(err.code, err.message, err.details, { ...err.extra, allowed: false, decision_id: decision?.id ?? null, reasons });
    }
  }

  /** MLflow's answer, the pure decision, then whether modelgate accounts for the version it chose. */
  private async evaluate(project: ResolvedProject, mode: RegistryMode, q: GateQuestion, fresh: boolean): Promise<Evaluation> {
    let verdict: ReturnType<typeof decide>;
    try {
      verdict = decide(q, await this.registry.read(mode, q.model, q.version, fresh));
    } catch (err) {
      return { kind: 'unavailable', reason: 'mlflow', err };
    }
    if (!verdict.allowed) return { kind: 'denied', reasons: verdict.reasons };
    try {
      const account = await this.registry.account(project, fresh);
      const drift = unaccountedIn(account, q.model, verdict.version.version, verdict.version.stage);
      return drift ? { kind: 'drift', version: verdict.version, drift, revision: account.revision } : { kind: 'allowed', version: verdict.version };
    } catch (err) {
      // First sight of a model reads MLflow too.
      return { kind: 'unavailable', reason: isMlflowError(err) ? 'mlflow' : 'postgres', err };
    }
  }

  /**
   * A drift seen in cached reads may be a change modelgate just made (MLflow read before it, or its
   * record before it): read both again, modelgate's record on both sides of MLflow's, and believe
   * a drift only when that record did not move meanwhile.
   */
  private async confirm(project: ResolvedProject, mode: RegistryMode, q: GateQuestion): Promise<Evaluation> {
    let outcome: Evaluation = { kind: 'denied', reasons: [] };
    for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
      let before: number;
      try {
        const account = await this.registry.account(project, true);
        before = account.owedBy.length > 0 ? -1 : account.revision;
      } catch (err) {
        return { kind: 'unavailable', reason: 'postgres', err };
      }
      outcome = await this.evaluate(project, mode, q, true);
      if (outcome.kind !== 'drift' || outcome.revision === before) return outcome;
    }
    return outcome;
  }

  async list(filter: DecisionFilter, limit: number, pageToken?: string): Promise<Page<DeployDecisionRecord>> {
    const after = DECISION_PAGES.decode(pageToken);
    const rows = await this.decisions.list(filter, limit + 1, after);
    return DECISION_PAGES.page(rows, limit, (last) => ({ decidedAt: last.decidedAt.toISOString(), id: last.id }));
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
      return await this.decisionLog.record(decision);
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
