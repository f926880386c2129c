import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Role } from '../auth/role';
import { Roles } from '../auth/roles.decorator';
import { toPageView } from './dto/page.view';
import { RunPageView, RunView, SearchRunsDto } from './dto/run.dto';
import { RunIdParamPipe } from '../common/http/path-params';
import { RegistryService } from './registry.service';

@ApiTags('registry')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiServiceUnavailableResponse({ description: 'MLFLOW_UNAVAILABLE' })
@Roles(Role.READER)
@Controller('runs')
export class RunsController {
  constructor(private readonly registry: RegistryService) {}

  @Post('search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search runs of experiments given by id or name' })
  @ApiOkResponse({ type: RunPageView })
  @ApiNotFoundResponse({ description: 'EXPERIMENT_NOT_FOUND: an experiment name is unknown' })
  @ApiUnprocessableEntityResponse({ description: 'MLFLOW_REJECTED: MLflow refused the filter, order or page token' })
  async search(@Body() body: SearchRunsDto): Promise<RunPageView> {
    const page = await this.registry.searchRuns({
      experimentIds: body.experiment_ids,
      experimentNames: body.experiment_names,
      filter: body.filter,
      orderBy: body.order_by,
      maxResults: body.max_results,
      pageToken: body.page_token,
    });
    return toPageView(page, RunView.of);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run with its metrics, params and tags' })
  @ApiOkResponse({ type: RunView })
  @ApiNotFoundResponse({ description: 'RUN_NOT_FOUND' })
  async get(@Param('id', RunIdParamPipe) id: string): Promise<RunView> {
    return RunView.of(await this.registry.getRun(id));
  }
}
