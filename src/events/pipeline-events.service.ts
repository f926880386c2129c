import { Injectable, Logger } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import type { PipelineRunNotice } from '../notifications/notification.types';
import { Outbox } from '../notifications/outbox';
import { isFailure } from '../notifications/templates/pipeline-facts';
import type { ResolvedProject } from '../projects/project.types';
import { pipelineRunOutboxItems } from '../notifications/recipient';
import { ExecutionStatusChange, ParsedEvent, parseEventBridgeEvent, withoutNul } from './eventbridge-event.schema';
import { EventsError, EventsErrorCode } from './events.errors';
import { EventOrigin, NewPipelineEvent, PipelineEventStore } from './pipeline-event.store';
import { TERMINAL_STATUSES, noticeOf, recipientsFor } from './pipeline-notice';
import { ProjectLookup } from './project-lookup';
import { FailedStepFinder } from './sfn/failed-step-finder';

/** What became of an event: stored or a duplicate; a status change or ignored. */
export interface IngestResult {
  accepted: true;
  duplicate: boolean;
  ignored: boolean;
}

/**
 * Ingestion of EventBridge events, exactly once: the event row and one outbox row per recipient
 * commit together, and the unique keys turn redeliveries (and concurrent copies) into no-ops.
 * The reconciler feeds executions EventBridge never announced through the same path.
 */
@Injectable()
export class PipelineEventsService {
  private readonly logger = new Logger(PipelineEventsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly events: PipelineEventStore,
    private readonly outbox: Outbox,
    private readonly projects: ProjectLookup,
    private readonly metrics: Metrics,
    private readonly failedSteps: FailedStepFinder,
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
    const id = await this.events.insert(undefined, {
      ...emptyExecution,
      eventId: event.eventId,
      source: event.source,
      detailType: event.detailType,
      origin,
      ignored: true,
      eventTime: event.eventTime,
      rawJson,
    });
    this.metrics.pipelineEvents.inc({ status: 'ignored', duplicate: String(!id) });
    this.logger.log({ event_id: event.eventId, source: event.source, detail_type: event.detailType, duplicate: !id }, 'event ignored');
    return { accepted: true, duplicate: !id, ignored: true };
  }

  private async ingestStatusChange(change: ExecutionStatusChange, origin: EventOrigin, rawJson: string): Promise<IngestResult> {
    const project = await this.projects.byStateMachine(change.stateMachineArn);
    const recipients = project ? recipientsFor(change.status, project.notifications) : [];
    const items = project && recipients.length > 0 ? pipelineRunOutboxItems(await this.noticeFor(change, project), recipients) : [];
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
    const { stored, queued } =
      items.length === 0
        ? { stored: (await this.events.insert(undefined, row)) !== undefined, queued: 0 }
        : await this.transactions.run(async (tx) => {
            const id = await this.events.insert(tx, row);
            return id ? { stored: true, queued: await this.outbox.add(tx, items) } : { stored: false, queued: 0 };
          });
    if (queued > 0) this.outbox.wake();
    this.metrics.pipelineEvents.inc({ status: statusLabel(change.status), duplicate: String(!stored) });
    this.logger.log(
      {
        event_id: change.eventId,
        execution_arn: change.executionArn,
        status: change.status,
        redrive_count: change.redriveCount,
        project: project?.name ?? null,
        origin,
        duplicate: !stored,
        notifications_queued: queued,
      },
      stored ? 'pipeline event stored' : 'pipeline event was a duplicate',
    );
    return { accepted: true, duplicate: !stored, ignored: false };
  }

  /** The notice; for a failure, with the failing step when Step Functions names it in time (before any transaction). */
  private async noticeFor(change: ExecutionStatusChange, project: ResolvedProject): Promise<PipelineRunNotice> {
    const notice = noticeOf(change, project);
    if (!isFailure(change.status)) return notice;
    const failedState = await this.failedSteps.find(change.executionArn);
    return failedState ? { ...notice, failed_state: failedState } : notice;
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
