import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { RequestHeaders, singleHeader } from '../common/http/headers';
import { RawFormBody } from '../common/http/raw-body.decorator';
import { SlackInteractionReceiver } from './slack-interaction-receiver';

/** A block_actions payload carries the message it came from: a few KiB, rarely more. */
const INTERACTION_BODY_LIMIT = 256 * 1024;

@ApiTags('slack')
@Controller('slack')
export class SlackInteractionsController {
  constructor(private readonly receiver: SlackInteractionReceiver) {}

  /** No API key: Slack signs each request with the app's signing secret (SLACK_SIGNING_SECRET), verified over the raw body. */
  @Post('interactions')
  @Public()
  @HttpCode(200)
  @RawFormBody(INTERACTION_BODY_LIMIT)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ description: "Slack's interaction: `payload` = JSON of a block_actions event (X-Slack-Request-Timestamp, X-Slack-Signature)", schema: { type: 'object', properties: { payload: { type: 'string' } } } })
  @ApiOkResponse({ description: 'Empty: received (the click is acted on right after; Slack hears the outcome through response_url)' })
  @ApiUnauthorizedResponse({ description: 'INVALID_SIGNATURE: bad or missing signature, timestamp more than 5 minutes off, or no SLACK_SIGNING_SECRET' })
  async receive(@Headers() headers: RequestHeaders, @Body() rawBody: unknown): Promise<void> {
    await this.receiver.receive({
      timestamp: singleHeader(headers, 'x-slack-request-timestamp'),
      signature: singleHeader(headers, 'x-slack-signature'),
      rawBody: typeof rawBody === 'string' ? rawBody : '',
    });
  }
}
