import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { Outbox } from '../outbox/outbox';
import { isFailure } from '../notifications/templates/pipeline-facts';
import { pipelineRunOutboxItems } from '../notifications/recipient';
import { ExecutionStatusChange, ParsedEvent, parseEventBridgeEvent, withoutNul } from './eventbridge-event.schema';
import { EventsError, EventsErrorCode } from './events.errors';
import { PipelineEventWriter } from './pipeline-event-writer';
import { EventOrigin, NewPipelineEvent } from './pipeline-event.store';
import { TERMINAL_STATUSES, noticeOf, recipientsFor } from './pipeline-notice';
import { ProjectLookup } from './project-lookup';
import { FAILED_STEP_HOLD_MS, FailedStepLookup } from './sfn/failed-step-lookup';

/** What became of an event: stored or a duplicate; a status change or ignored. */
export interface IngestResult {
  accepted: true;
  duplicate: boolean;
  ignored: boolean;
}

/**
 * Ingestion of EventBridge events, exactly once: the event row and one outbox row per recipient
 * commit together (concurrent events share a transaction), and the unique keys turn redeliveries
 * (and concurrent copies) into no-ops. A failure's notifications are held at the commit while its
 * failing step is looked up, so the answer never waits on Step Functions. The reconciler feeds
 * executions EventBridge never announced through the same path.
 */
@Injectable()
export class PipelineEventsService {
  private readonly logger = new Logger(PipelineEventsService.name);

  constructor(
    private readonly writer: PipelineEventWriter,
    private readonly outbox: Outbox,
    private readonly projects: ProjectLookup,
    private readonly metrics: Metrics,
    private readonly failedSteps: FailedStepLookup,
  ) {}

  async ingest(body: unknown, origin: EventOrigin = 'eventbridge'): Promise<IngestResult> {
    const rawJson = JSON.stringify(body) ?? 'null';
    const hasNul = rawJson.includes('\\u0000');
    const parsed = parseEventBridgeEvent(hasNul ? withoutNul(body) : body);
    if (parsed.kind === 'invalid') {
      throw new EventsError(EventsErrorCode.INVALID_EVENT, 'The body is not an EventBridge event modelgate can read', parsed.problems);
    }
    const cleanJson = hasNul ? JSON.stringify(parsed.raw) : rawJson;
    if (parsed.kind === 'other') return this.ingestIgnored(parsed, origin, cleanJson);
    return this.ingestStatusChange(parsed.change, origin, cleanJson);
  }

  private async ingestIgnored(event: Extract<ParsedEvent, { kind: 'other' }>, origin: EventOrigin, rawJson: string): Promise<IngestResult> {
    const { stored } = await this.writer.write({
      event: { ...emptyExecution, eventId: event.eventId, source: event.source, detailType: event.detailType, origin, ignored: true, eventTime: event.eventTime, rawJson },
      items: [],
      holdMs: 0,
    });
    this.metrics.pipelineEvents.inc({ status: 'ignored', duplicate: String(!stored) });
    this.logger.log({ event_id: event.eventId, source: event.source, detail_type: event.detailType, duplicate: !stored }, 'event ignored');
    return { accepted: true, duplicate: !stored, ignored: true };
  }

  private async ingestStatusChange(change: ExecutionStatusChange, origin: EventOrigin, rawJson: string): Promise<IngestResult> {
    const project = await this.projects.byStateMachine(change.stateMachineArn);
    const recipients = project ? recipientsFor(change.status, project.notifications) : [];
    const notice = project && recipients.length > 0 ? noticeOf(change, project) : undefined;
    // A failure's notices name its failing step: held at the commit, released once Step Functions was asked.
    const lookUpStep = notice !== undefined && isFailure(change.status);
    const row: NewPipelineEvent = {
      eventId: change.eventId,
      source: change.source,
      detailType: change.detailType,
      origin,
      ignored: false,
      executionArn: change.executionArn,
      executionName: change.executionName,
      stateMachineArn: change.stateMachineArn,
      project: project?.name ?? null,
      projectVersion: project?.version ?? null,
      status: change.status,
      redriveCount: change.redriveCount,
      startDate: change.startDate,
      stopDate: change.stopDate,
      error: change.error,
      cause: change.cause,
      eventTime: change.eventTime,
      rawJson,
    };
    const items = notice ? pipelineRunOutboxItems(notice, recipients) : [];
    const { stored, queued } = await this.writer.write({ event: row, items, holdMs: lookUpStep ? FAILED_STEP_HOLD_MS : 0 });
    if (queued.length > 0 && lookUpStep) this.failedSteps.nameIn(change.executionArn, notice, queued);
    else if (queued.length > 0) this.outbox.wake();
    this.metrics.pipelineEvents.inc({ status: statusLabel(change.status), duplicate: String(!stored) });
    // A stored event is the request's success (its row tells it); a duplicate says EventBridge sent it again.
    this.logger[stored ? 'debug' : 'log'](
      {
        event_id: change.eventId,
        execution_arn: change.executionArn,
        status: change.status,
        redrive_count: change.redriveCount,
        project: project?.name ?? null,
        origin,
        duplicate: !stored,
        notifications_queued: queued.length,
      },
      stored ? 'pipeline event stored' : 'pipeline event was a duplicate',
    );
    return { accepted: true, duplicate: !stored, ignored: false };
  }
}

/** Metric labels stay bounded whatever a caller sends. */
function statusLabel(status: string): string {
  return status === 'RUNNING' || (TERMINAL_STATUSES as readonly string[]).includes(status) ? status : 'OTHER';
}

const emptyExecution = {
  executionArn: null,
  executionName: null,
  stateMachineArn: null,
  project: null,
  projectVersion: null,
  status: null,
  redriveCount: null,
  startDate: null,
  stopDate: null,
  error: null,
  cause: null,
} satisfies Partial<NewPipelineEvent>;
