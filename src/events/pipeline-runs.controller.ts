import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Role } from '../auth/role';
import { Roles } from '../auth/roles.decorator';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination';
import { PipelineRunDetailView, PipelineRunPageView, PipelineRunQueryDto, PipelineRunView } from './dto/pipeline-run.dto';
import { PipelineRunsService } from './pipeline-runs.service';

@ApiTags('pipeline-runs')
@ApiBearerAuth()
@Roles(Role.READER)
@Controller('pipeline-runs')
export class PipelineRunsController {
  constructor(private readonly runs: PipelineRunsService) {}

  @Get()
  @ApiOkResponse({ type: PipelineRunPageView, description: 'Executions seen, newest start first, with their notifications' })
  async list(@Query() query: PipelineRunQueryDto): Promise<PipelineRunPageView> {
    const page = await this.runs.list({ project: query.project, status: query.status }, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(PipelineRunView.of) };
  }

  @Get(':execution_arn')
  @ApiParam({ name: 'execution_arn', description: 'The execution ARN, URL-encoded' })
  @ApiOkResponse({ type: PipelineRunDetailView })
  async get(@Param('execution_arn') executionArn: string): Promise<PipelineRunDetailView> {
    return PipelineRunDetailView.ofDetail(await this.runs.get(executionArn));
  }
}
