import { Injectable } from '@nestjs/common';
import { Keyset, Page, cursorField } from '../common/http/pagination';
import type { OutboxItem } from '../outbox/outbox.types';
import { NotificationsService } from '../notifications/notifications.service';
import { EventsError, EventsErrorCode } from './events.errors';
import { PipelineEventRecord, PipelineEventStore, PipelineRun, RunCursor } from './pipeline-event.store';

/** `_unknown` in a filter: executions of state machines no project claims. */
export const UNKNOWN_PROJECT = '_unknown';

const RUN_PAGES = new Keyset<RunCursor>({ start: cursorField.orNull(cursorField.instant), arn: cursorField.text });

export interface RunWithNotifications {
  run: PipelineRun;
  notifications: OutboxItem[];
}

export interface RunDetail extends RunWithNotifications {
  events: PipelineEventRecord[];
}

/** Executions seen, with the notifications each one caused and how they went. */
@Injectable()
export class PipelineRunsService {
  constructor(
    private readonly events: PipelineEventStore,
    private readonly notifications: NotificationsService,
  ) {}

  /** Newest start first; the page token carries the last run's start and ARN. */
  async list(filter: { project?: string; status?: string }, limit: number, pageToken?: string): Promise<Page<RunWithNotifications>> {
    const project = filter.project === UNKNOWN_PROJECT ? null : filter.project;
    const runs = await this.events.listRuns({ project, status: filter.status }, limit + 1, RUN_PAGES.decode(pageToken));
    const page = RUN_PAGES.page(runs, limit, (last) => ({ start: last.startDate?.toISOString() ?? null, arn: last.executionArn }));
    const byExecution = await this.notificationsOf(page.items.map((r) => r.executionArn));
    return { ...page, items: page.items.map((run) => ({ run, notifications: byExecution.get(run.executionArn) ?? [] })) };
  }

  async get(executionArn: string): Promise<RunDetail> {
    const run = await this.events.findRun(executionArn);
    if (!run) throw new EventsError(EventsErrorCode.PIPELINE_RUN_NOT_FOUND, `No events were received for execution ${executionArn}`);
    const [events, notifications] = await Promise.all([
      this.events.eventsOf(executionArn),
      this.notifications.forExecutions([executionArn]),
    ]);
    return { run, events, notifications };
  }

  private async notificationsOf(executionArns: string[]): Promise<Map<string, OutboxItem[]>> {
    const map = new Map<string, OutboxItem[]>();
    for (const item of await this.notifications.forExecutions(executionArns)) {
      if (!item.executionArn) continue;
      map.set(item.executionArn, [...(map.get(item.executionArn) ?? []), item]);
    }
    return map;
  }
}
