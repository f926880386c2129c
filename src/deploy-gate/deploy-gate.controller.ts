import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/role';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination';
import { ProjectNameParamPipe } from '../common/http/path-params';
import { DeployGateService } from './deploy-gate.service';
import {
  DeployAllowedView,
  DeployDecisionPageView,
  DeployDecisionView,
  DeployDecisionsQueryDto,
  DeployGateQueryDto,
  DeployGateRequestDto,
} from './dto/deploy-gate.dto';

@ApiTags('deploy-gate')
@ApiBearerAuth()
@Controller()
export class DeployGateController {
  constructor(private readonly gate: DeployGateService) {}

  @Post('deploy-gate')
  @Roles(Role.CI)
  @HttpCode(200)
  @ApiOkResponse({ type: DeployAllowedView })
  @ApiConflictResponse({ description: 'DEPLOY_DENIED, with allowed: false, decision_id and reasons' })
  @ApiServiceUnavailableResponse({ description: 'GATE_UNAVAILABLE, with allowed: false: MLflow or PostgreSQL could not be asked' })
  async ask(@Body() body: DeployGateRequestDto, @CurrentActor() actor: Actor): Promise<DeployAllowedView> {
    const allowed = await this.gate.decide({
      project: body.project,
      env: body.env,
      version: body.version,
      commit: body.commit,
      pipelineUrl: body.pipeline_url,
      caller: actor.name,
    });
    return DeployAllowedView.of(allowed);
  }

  @Get('deploy-gate/:project')
  @Roles(Role.CI)
  @ApiOkResponse({ type: DeployAllowedView })
  async askByGet(@Param('project', ProjectNameParamPipe) project: string, @Query() query: DeployGateQueryDto, @CurrentActor() actor: Actor): Promise<DeployAllowedView> {
    const allowed = await this.gate.decide({ project, env: query.env, version: query.version, caller: actor.name });
    return DeployAllowedView.of(allowed);
  }

  @Get('deploy-decisions')
  @Roles(Role.READER)
  @ApiOkResponse({ type: DeployDecisionPageView })
  async decisions(@Query() query: DeployDecisionsQueryDto): Promise<DeployDecisionPageView> {
    const page = await this.gate.list({ project: query.project, env: query.env }, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(DeployDecisionView.of) };
  }
}
