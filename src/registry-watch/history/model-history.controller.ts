import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Role } from '../../auth/role';
import { Roles } from '../../auth/roles.decorator';
import { validationFailed } from '../../common/errors/domain-error';
import { DEFAULT_PAGE_SIZE } from '../../common/http/pagination';
import { ModelNameParamPipe } from '../../common/http/path-params';
import { ModelHistoryQueryDto, StageChangePageView, StagesAtView } from './dto/model-history.dto';
import { ModelHistoryService } from './model-history.service';

@ApiTags('registry-watch')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Roles(Role.READER)
@ApiExtraModels(StageChangePageView, StagesAtView)
@Controller('models')
export class ModelHistoryController {
  constructor(private readonly history: ModelHistoryService) {}

  @Get(':name/history')
  @ApiOperation({ summary: "A model's stage changes newest first, or with `at` which version held each stage then (from the audit log; MLflow is not asked)" })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(StageChangePageView) }, { $ref: getSchemaPath(StagesAtView) }] } })
  async get(@Param('name', ModelNameParamPipe) name: string, @Query() query: ModelHistoryQueryDto): Promise<StageChangePageView | StagesAtView> {
    if (query.at === undefined) return this.history.changes(name, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    if (query.max_results !== undefined || query.page_token !== undefined) {
      throw validationFailed([{ field: 'at', problems: ['at answers one instant: max_results and page_token do not apply'] }]);
    }
    const at = new Date(query.at);
    return { at: at.toISOString(), stages: await this.history.stagesAt(name, at) };
  }
}
