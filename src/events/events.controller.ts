import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '../auth/role';
import { Roles } from '../auth/roles.decorator';
import { BodyLimit } from '../common/http/body-limit.decorator';
import { IngestResultView } from './dto/ingest.dto';
import { PipelineEventsService } from './pipeline-events.service';

/** EventBridge's own limit on an event. */
const EVENT_BODY_LIMIT = 256 * 1024;

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly events: PipelineEventsService) {}

  /** The body is validated by the event's own schema (unknown fields kept), not the global DTO pipe. */
  @Post('eventbridge')
  @Roles(Role.EVENTS)
  @HttpCode(202)
  @BodyLimit(EVENT_BODY_LIMIT)
  @ApiBody({ description: 'One EventBridge event, as an API destination sends it', schema: { type: 'object' } })
  @ApiAcceptedResponse({ type: IngestResultView, description: 'Stored (or a duplicate, or ignored) and committed' })
  @ApiBadRequestResponse({ description: 'INVALID_EVENT or INVALID_JSON: EventBridge does not retry 4xx' })
  @ApiPayloadTooLargeResponse({ description: 'PAYLOAD_TOO_LARGE: over 256 KiB' })
  ingest(@Body() body: unknown): Promise<IngestResultView> {
    return this.events.ingest(body);
  }
}
