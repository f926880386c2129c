import { Body, Controller, Delete, Get, HttpCode, Param, PipeTransform, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Actor, Role } from '../auth/role';
import { CurrentActor, Roles } from '../auth/roles.decorator';
import { validationFailed } from '../common/errors/domain-error';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from '../common/http/pagination';
import { LinkSlackIdentityDto, SlackIdentityPageView, SlackIdentityView } from './dto/slack-identity.dto';
import { SlackIdentitiesService } from './slack-identities.service';
import { SLACK_USER_ID } from './slack-interaction';

class SlackUserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SLACK_USER_ID.test(value)) {
      throw validationFailed([{ field: 'slack_user_id', problems: ['slack_user_id must be a Slack user id: U or W, then 2-31 upper-case letters or digits'] }]);
    }
    return value;
  }
}

@ApiTags('slack')
@ApiBearerAuth()
@Roles(Role.ADMIN)
@Controller('slack-identities')
export class SlackIdentitiesController {
  constructor(private readonly identities: SlackIdentitiesService) {}

  @Put(':slack_user_id')
  @HttpCode(200)
  @ApiOkResponse({ type: SlackIdentityView, description: 'Linked: the Slack user now decides in Slack as this approver' })
  @ApiUnprocessableEntityResponse({ description: 'NOT_AN_APPROVER: no unrevoked API key of that name with the approver role' })
  async link(@Param('slack_user_id', SlackUserIdPipe) slackUserId: string, @Body() body: LinkSlackIdentityDto, @CurrentActor() actor: Actor): Promise<SlackIdentityView> {
    return SlackIdentityView.of(await this.identities.link(slackUserId, body.actor, actor.name));
  }

  @Delete(':slack_user_id')
  @HttpCode(200)
  @ApiOkResponse({ type: SlackIdentityView, description: 'The link removed' })
  @ApiNotFoundResponse({ description: 'SLACK_IDENTITY_NOT_FOUND' })
  async unlink(@Param('slack_user_id', SlackUserIdPipe) slackUserId: string, @CurrentActor() actor: Actor): Promise<SlackIdentityView> {
    return SlackIdentityView.of(await this.identities.unlink(slackUserId, actor.name));
  }

  @Get()
  @ApiOkResponse({ type: SlackIdentityPageView })
  async list(@Query() query: PageQueryDto): Promise<SlackIdentityPageView> {
    const page = await this.identities.list(query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    return { ...page, items: page.items.map(SlackIdentityView.of) };
  }
}
