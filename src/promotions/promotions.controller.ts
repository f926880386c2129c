import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiExtraModels, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Role, hasAnyRole } from '../auth/role';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ModelNameParamPipe, UuidParamPipe, VersionParamPipe } from '../common/http/path-params';
import { ApprovalsService } from './approvals.service';
import { DecisionDto, DryRunView, PromoteDto, PromotionPageView, PromotionView, PromotionsQueryDto, RejectDto, RollbackDto } from './dto/promotion.dto';
import { PromotionsService } from './promotions.service';

/** 200 when the change is done; 202 while it awaits approvals, or MLflow to apply what was decided. */
function answer(reply: FastifyReply, view: PromotionView): PromotionView {
  void reply.status(['pending_approval', 'approved', 'rejecting'].includes(view.status) ? 202 : 200);
  return view;
}

@ApiTags('promotions')
@ApiBearerAuth()
@ApiExtraModels(DryRunView)
@Controller()
export class PromotionsController {
  constructor(
    private readonly promotions: PromotionsService,
    private readonly approvals: ApprovalsService,
  ) {}

  @Post('models/:name/versions/:version/promote')
  @Roles(Role.PROMOTER)
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: PromotionView, description: 'Applied (or, with dry_run, the evaluation: DryRunView)' })
  @ApiAcceptedResponse({ type: PromotionView, description: 'Pending approval' })
  @ApiUnprocessableEntityResponse({ description: 'POLICY_DENIED, with the verdict listing every rule' })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION, ALREADY_PENDING, or PROMOTION_IN_PROGRESS (another change of this model)' })
  async promote(
    @Param('name', ModelNameParamPipe) name: string,
    @Param('version', VersionParamPipe) version: string,
    @Body() body: PromoteDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PromotionView | DryRunView> {
    const result = await this.promotions.promote({ model: name, version, stage: body.stage, reason: body.reason, dryRun: body.dry_run ?? false, actor: actor.name });
    if (result.dryRun) return { dry_run: true, outcome: result.outcome, verdict: result.verdict };
    return answer(reply, PromotionView.of(result.promotion));
  }

  @Post('models/:name/rollback')
  @Roles(Role.PROMOTER)
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: PromotionView })
  @ApiConflictResponse({ description: 'NOTHING_TO_ROLL_BACK' })
  async rollback(@Param('name', ModelNameParamPipe) name: string, @Body() body: RollbackDto, @CurrentActor() actor: Actor): Promise<PromotionView> {
    return PromotionView.of(await this.promotions.rollback(name, actor.name, body.reason));
  }

  @Get('promotions')
  @Roles(Role.READER)
  @ApiOkResponse({ type: PromotionPageView })
  async list(@Query() query: PromotionsQueryDto, @CurrentActor() actor: Actor): Promise<PromotionPageView> {
    if (query.awaiting === 'me' && !hasAnyRole(actor, [Role.APPROVER])) return { items: [] };
    const awaitingDecisionBy = query.awaiting === 'me' ? actor.name : undefined;
    const filter = { model: query.model, status: query.status, project: query.project, requestedBy: query.requested_by, awaitingDecisionBy };
    const page = await this.promotions.list(filter, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(PromotionView.of) };
  }

  @Get('promotions/:id')
  @Roles(Role.READER)
  @ApiOkResponse({ type: PromotionView })
  async get(@Param('id', UuidParamPipe) id: string): Promise<PromotionView> {
    return PromotionView.of(await this.promotions.get(id));
  }

  @Post('promotions/:id/approve')
  @Roles(Role.APPROVER)
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: PromotionView, description: 'Applied: this was the last approval needed' })
  @ApiAcceptedResponse({ type: PromotionView, description: 'Recorded; more approvals needed, or (status approved) all are in and MLflow could not be reached yet' })
  @ApiConflictResponse({ description: 'NOT_PENDING (whoever asks), ALREADY_DECIDED, STALE_PROMOTION' })
  async approve(
    @Param('id', UuidParamPipe) id: string,
    @Body() body: DecisionDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PromotionView> {
    return answer(reply, PromotionView.of(await this.approvals.approve(id, actor, body?.comment ?? null)));
  }

  @Post('promotions/:id/reject')
  @Roles(Role.APPROVER)
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: PromotionView })
  @ApiAcceptedResponse({ type: PromotionView, description: 'Rejection recorded (status rejecting); the candidate is archived when MLflow answers' })
  @ApiConflictResponse({ description: 'NOT_PENDING (whoever asks), ALREADY_DECIDED' })
  async reject(
    @Param('id', UuidParamPipe) id: string,
    @Body() body: RejectDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PromotionView> {
    return answer(reply, PromotionView.of(await this.approvals.reject(id, actor, body?.comment ?? null, body?.archive ?? true)));
  }

  @Post('promotions/:id/cancel')
  @Roles(Role.PROMOTER)
  @HttpCode(200)
  @ApiOkResponse({ type: PromotionView })
  async cancel(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<PromotionView> {
    return PromotionView.of(await this.approvals.cancel(id, actor));
  }
}
