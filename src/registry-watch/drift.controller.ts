import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/role';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ModelNameParamPipe, VersionParamPipe } from '../common/http/path-params';
import { DriftService } from './drift.service';
import { AdoptDto, DriftPageView, DriftQueryDto, DriftView } from './dto/drift.dto';

@ApiTags('drift')
@ApiBearerAuth()
@Controller()
export class DriftController {
  constructor(private readonly drifts: DriftService) {}

  @Get('drift')
  @Roles(Role.READER)
  @ApiOkResponse({ type: DriftPageView, description: 'Newest detection first' })
  async list(@Query() query: DriftQueryDto): Promise<DriftPageView> {
    const page = await this.drifts.list({ project: query.project, status: query.status }, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(DriftView.of) };
  }

  @Post('models/:name/versions/:version/adopt')
  @Roles(Role.APPROVER)
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: DriftView, description: "MLflow's current state of the version is now what modelgate expects; the drift, resolved" })
  @ApiConflictResponse({ description: 'NOTHING_TO_ADOPT (no open drift on this version), CHANGE_IN_PROGRESS' })
  async adopt(
    @Param('name', ModelNameParamPipe) name: string,
    @Param('version', VersionParamPipe) version: string,
    @Body() body: AdoptDto,
    @CurrentActor() actor: Actor,
  ): Promise<DriftView> {
    return DriftView.of(await this.drifts.adopt({ model: name, version, actor: actor.name, reason: body.reason }));
  }
}
