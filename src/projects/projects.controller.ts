import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Role } from '../auth/role';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { BodyLimit } from '../common/http/body-limit.decorator';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from '../common/http/pagination';
import { ProjectNameParamPipe } from '../common/http/path-params';
import {
  FileProblemsListView,
  FileProblemsView,
  ProjectProblemsView,
  ProjectPageView,
  ProjectQueryDto,
  ProjectSummaryView,
  ProjectView,
  ReloadView,
  ResolvedSettingsView,
  SavedProjectView,
  ValidationView,
} from './dto/project.dto';
import { MAX_CONFIG_BYTES } from './project-files';
import { ProjectFilesLoader } from './project-files.loader';
import { ConfigInput, ProjectsService } from './projects.service';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** The body as the config it carries: YAML text, or JSON (whatever it parsed to). */
function configInput(body: unknown, contentType: string | undefined): ConfigInput {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return YAML_TYPES.includes(type) && typeof body === 'string' ? { yaml: body } : { json: body };
}

const configBody = { description: 'config.yaml as YAML (application/yaml) or the same document as JSON', schema: { type: 'object' } };

// Static routes (`_errors`, `_reload`, `validate`) win over `:name` in the router; project names cannot start with `_`.
@ApiTags('projects')
@ApiExtraModels(FileProblemsView, ProjectProblemsView)
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly loader: ProjectFilesLoader,
  ) {}

  @Get()
  @Roles(Role.READER)
  @ApiOkResponse({ type: ProjectPageView })
  async list(@Query() query: PageQueryDto): Promise<ProjectPageView> {
    const page = await this.projects.list(query.page_token, query.max_results ?? DEFAULT_PAGE_SIZE);
    return { ...page, items: page.items.map(ProjectSummaryView.of) };
  }

  @Get('_errors')
  @Roles(Role.READER)
  @ApiOkResponse({ type: FileProblemsListView, description: 'Config files under PROJECTS_DIR whose current content was refused, then stored projects the MLflow they run against refuses' })
  async errors(): Promise<FileProblemsListView> {
    const [files, projects] = await Promise.all([this.loader.errors(), this.projects.refused()]);
    const fileItems = files.map((e) => ({ file: e.file, problems: e.problems, checked_at: e.checkedAt.toISOString() }));
    return { items: [...fileItems, ...projects.map((p): ProjectProblemsView => ({ project: p.project, source_path: p.sourcePath, problems: p.problems }))] };
  }

  @Post('_reload')
  @HttpCode(200)
  @ApiOkResponse({ type: ReloadView })
  reload(@CurrentActor() actor: Actor): Promise<ReloadView> {
    return this.loader.reload(actor.name);
  }

  @Post('validate')
  @Roles(Role.READER)
  @HttpCode(200)
  @BodyLimit(MAX_CONFIG_BYTES)
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody(configBody)
  @ApiOkResponse({ type: ValidationView, description: 'Every problem and warning; nothing is stored' })
  async validate(@Body() body: unknown, @Headers('content-type') contentType?: string): Promise<ValidationView> {
    const { problems, warnings, definition } = await this.projects.validate(configInput(body, contentType));
    if (!definition) return { valid: false, problems, warnings };
    return { valid: true, problems, warnings, name: definition.name, resolved: ResolvedSettingsView.of(definition) };
  }

  @Get(':name')
  @Roles(Role.READER)
  @ApiProduces('application/json', 'application/yaml')
  @ApiOkResponse({ type: ProjectView })
  async get(
    @Param('name', ProjectNameParamPipe) name: string,
    @Query() query: ProjectQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectView | string> {
    const record = await this.projects.get(name);
    if (query.format !== 'yaml') return ProjectView.of(record);
    void reply.header('content-type', 'application/yaml; charset=utf-8');
    return record.raw;
  }

  @Put(':name')
  @BodyLimit(MAX_CONFIG_BYTES)
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody(configBody)
  @ApiOkResponse({ type: SavedProjectView, description: '201 when the project is new' })
  async put(
    @Param('name', ProjectNameParamPipe) name: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('content-type') contentType?: string,
  ): Promise<SavedProjectView> {
    const saved = await this.projects.put(name, configInput(body, contentType), actor.name);
    void reply.status(saved.created ? 201 : 200);
    return { ...ProjectView.of(saved.record), warnings: saved.warnings };
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('name', ProjectNameParamPipe) name: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.projects.delete(name, actor.name);
  }
}
