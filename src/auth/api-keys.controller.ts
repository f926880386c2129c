import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from '../common/http/pagination';
import { UuidParamPipe } from '../common/http/path-params';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPageView, ApiKeyView, CreateApiKeyDto, IssuedApiKeyView } from './dto/api-key.dto';
import { Actor, Role } from './role';
import { CurrentActor, Roles } from './roles.decorator';

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles(Role.ADMIN)
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  async create(@Body() body: CreateApiKeyDto, @CurrentActor() actor: Actor): Promise<IssuedApiKeyView> {
    const { record, key } = await this.keys.create(body.name, body.roles, actor.name);
    return { ...ApiKeyView.of(record), key };
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyPageView })
  async list(@Query() query: PageQueryDto): Promise<ApiKeyPageView> {
    const page = await this.keys.list(query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(ApiKeyView.of) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ type: ApiKeyView })
  async revoke(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.keys.revoke(id, actor.name));
  }
}
