import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { SlackIdentity } from '../slack-identity.store';

export class LinkSlackIdentityDto {
  @ApiProperty({ example: 'bob', description: 'The name of an unrevoked API key with the approver role; the Slack user decides as this approver' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/, { message: 'actor must be the name of an API key' })
  actor!: string;
}

export class SlackIdentityView {
  @ApiProperty({ example: 'U024BE7LH' }) slack_user_id!: string;
  @ApiProperty({ example: 'bob' }) actor!: string;
  @ApiProperty() linked_by!: string;
  @ApiProperty() linked_at!: string;

  static of(i: SlackIdentity): SlackIdentityView {
    return { slack_user_id: i.slackUserId, actor: i.actor, linked_by: i.linkedBy, linked_at: i.linkedAt.toISOString() };
  }
}

export class SlackIdentityPageView {
  @ApiProperty({ type: [SlackIdentityView] }) items!: SlackIdentityView[];
  @ApiPropertyOptional() next_page_token?: string;
}
