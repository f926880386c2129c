import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import {
  ListModelsQueryDto,
  ListVersionsQueryDto,
  ModelVersionDetailView,
  ModelVersionPageView,
  ModelVersionView,
  RegisteredModelPageView,
  RegisteredModelView,
} from './dto/model.dto';
import { toPageView } from './dto/page.view';
import { ModelNameParamPipe, VersionParamPipe } from '../common/http/path-params';
import { RegistryService } from './registry.service';

@ApiTags('registry')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiServiceUnavailableResponse({ description: 'MLFLOW_UNAVAILABLE: MLflow did not answer within MLFLOW_TIMEOUT_MS, or failed' })
@Roles(Role.READER)
@Controller('models')
export class ModelsController {
  constructor(private readonly registry: RegistryService) {}

  @Get()
  @ApiOperation({ summary: 'Registered models, each with its latest version per stage' })
  @ApiOkResponse({ type: RegisteredModelPageView })
  @ApiUnprocessableEntityResponse({ description: 'MLFLOW_REJECTED: MLflow refused the filter or page token' })
  async list(@Query() query: ListModelsQueryDto): Promise<RegisteredModelPageView> {
    const page = await this.registry.listModels({ filter: query.filter, maxResults: query.max_results, pageToken: query.page_token });
    return toPageView(page, RegisteredModelView.of);
  }

  @Get(':name')
  @ApiOperation({ summary: 'One registered model: description, tags, aliases, latest version per stage' })
  @ApiOkResponse({ type: RegisteredModelView })
  @ApiNotFoundResponse({ description: 'MODEL_NOT_FOUND' })
  async get(@Param('name', ModelNameParamPipe) name: string): Promise<RegisteredModelView> {
    return RegisteredModelView.of(await this.registry.getModel(name));
  }

  @Get(':name/versions')
  @ApiOperation({ summary: 'Versions of a model, newest first' })
  @ApiOkResponse({ type: ModelVersionPageView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: unknown stage' })
  @ApiNotFoundResponse({ description: 'MODEL_NOT_FOUND' })
  async versions(@Param('name', ModelNameParamPipe) name: string, @Query() query: ListVersionsQueryDto): Promise<ModelVersionPageView> {
    const page = await this.registry.listVersions(name, { stage: query.stage, maxResults: query.max_results, pageToken: query.page_token });
    return toPageView(page, ModelVersionView.of);
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'One version, with its run’s metrics, params and tags' })
  @ApiOkResponse({ type: ModelVersionDetailView })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: version is not a positive integer' })
  @ApiNotFoundResponse({ description: 'MODEL_NOT_FOUND or MODEL_VERSION_NOT_FOUND' })
  async version(@Param('name', ModelNameParamPipe) name: string, @Param('version', VersionParamPipe) version: string): Promise<ModelVersionDetailView> {
    return ModelVersionDetailView.ofDetail(await this.registry.getVersion(name, version));
  }
}
