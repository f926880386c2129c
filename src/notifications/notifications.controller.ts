import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '../auth/role';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination';
import { UuidParamPipe } from '../common/http/path-params';
import { NotificationPageView, NotificationQueryDto, NotificationView } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles(Role.READER)
  @ApiOkResponse({ type: NotificationPageView, description: 'The delivery log, newest first' })
  async list(@Query() query: NotificationQueryDto): Promise<NotificationPageView> {
    const filter = { status: query.status, kind: query.kind };
    const page = await this.notifications.list(filter, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(NotificationView.of) };
  }

  @Get(':id')
  @Roles(Role.READER)
  @ApiOkResponse({ type: NotificationView })
  async get(@Param('id', UuidParamPipe) id: string): Promise<NotificationView> {
    return NotificationView.of(await this.notifications.get(id));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationView, description: 'A dead notification, pending again with fresh attempts' })
  async retry(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<NotificationView> {
    return NotificationView.of(await this.notifications.retry(id, actor.name));
  }
}
