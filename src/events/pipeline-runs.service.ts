import { Injectable } from '@nestjs/common';
import { Page, offsetPage } from '../common/http/pagination';
import type { OutboxItem } from '../notifications/notification.types';
import { NotificationsService } from '../notifications/notifications.service';
import { EventsError, EventsErrorCode } from './events.errors';
import { PipelineEventRecord, PipelineEventStore, PipelineRun } from './pipeline-event.store';

/** `_unknown` in a filter: executions of state machines no project claims. */
export const UNKNOWN_PROJECT = '_unknown';

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

  async list(query: { project?: string; status?: string; offset: number; limit: number }): Promise<Page<RunWithNotifications>> {
    const project = query.project === UNKNOWN_PROJECT ? null : query.project;
    const runs = await this.events.listRuns({ project, status: query.status, offset: query.offset, limit: query.limit + 1 });
    const page = offsetPage(runs, query.limit, query.offset);
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
