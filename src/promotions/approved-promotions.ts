import { Injectable, Logger } from '@nestjs/common';
import { LockedSession } from '../database/transactions';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import { evaluatePolicy } from '../policies/policy-evaluator';
import type { Promotion } from './promotion';
import { PromotionApplier } from './promotion-applier';
import { PolicyContext, PromotionFacts, PromotionFactsReader } from './promotion-facts';
import { PromotionStore } from './promotion.store';
import { PromotionError, PromotionErrorCode } from './promotions.errors';

/**
 * Applies a promotion whose votes are all in (`approved`), at the last vote and then from the
 * reconciler: the stage and the rules are re-checked against MLflow first. While MLflow cannot be
 * reached it stays `approved` (which never expires); anything else ends it `completed` or `failed`.
 */
@Injectable()
export class ApprovedPromotions {
  private readonly logger = new Logger(ApprovedPromotions.name);

  constructor(
    private readonly facts: PromotionFactsReader,
    private readonly applier: PromotionApplier,
    private readonly store: PromotionStore,
  ) {}

  /** Under the model's lock; `ctx` was read before it was taken. Throws STALE_PROMOTION when the world changed. */
  async apply(session: LockedSession, p: Promotion, ctx: PolicyContext): Promise<Promotion> {
    const facts = await this.gather(session, p, ctx);
    if (!facts) return p;
    const verdict = evaluatePolicy(p.toStage, ctx.policy, facts.policy);
    const stale =
      facts.version.stage !== p.fromStage
        ? `version ${p.version} is now in ${facts.version.stage}, not ${p.fromStage} as when it was requested`
        : !verdict.allowed
          ? `the ${p.toStage} policy no longer passes: ${verdict.rules.filter((r) => !r.passed).map((r) => r.message).join('; ')}`
          : undefined;
    if (stale) {
      await this.applier.fail(session, p, `stale: ${stale}`);
      throw new PromotionError(PromotionErrorCode.STALE_PROMOTION, `The promotion was approved but the world changed: ${stale}`, { promotion_id: p.id, verdict });
    }
    const applying = await session.run((tx) => this.store.setStatus(p.id, { status: 'applying', archivedVersions: facts.displaced }, tx));
    return this.applier.apply(session, applying, ctx.mode, 'keep_approved');
  }

  /** MLflow's facts; undefined while MLflow cannot be reached. Any other refusal fails the promotion. */
  private async gather(session: LockedSession, p: Promotion, ctx: PolicyContext): Promise<PromotionFacts | undefined> {
    try {
      return await this.facts.gather(p.model, p.version, p.toStage, ctx, (work) => session.read(work));
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MLFLOW_UNAVAILABLE)) {
        this.logger.warn({ promotion_id: p.id, model: p.model, version: p.version }, 'MLflow unreachable: the approved promotion is applied later');
        return undefined;
      }
      await this.applier.fail(session, p, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }
}
