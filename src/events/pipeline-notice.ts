import type { PipelineRunNotice } from '../notifications/notification.types';
import type { ProjectNotifications, ResolvedProject } from '../projects/project.types';
import type { ExecutionStatusChange } from './eventbridge-event.schema';

/** Pure rules: which statuses end an execution, who hears about which, and what they are told. */

export const TERMINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** SUCCEEDED → on_success; FAILED, TIMED_OUT, ABORTED → on_failure; anything else (RUNNING…) → nobody. */
export function recipientsFor(status: string, notifications: ProjectNotifications): string[] {
  if (status === 'SUCCEEDED') return notifications.onSuccess;
  if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED') return notifications.onFailure;
  return [];
}

export function noticeOf(change: ExecutionStatusChange, project: Pick<ResolvedProject, 'name' | 'version'>): PipelineRunNotice {
  return {
    project: project.name,
    project_version: project.version,
    execution_arn: change.executionArn,
    execution_name: change.executionName,
    state_machine_arn: change.stateMachineArn,
    status: change.status,
    redrive_count: change.redriveCount,
    start_date: change.startDate?.toISOString() ?? null,
    stop_date: change.stopDate?.toISOString() ?? null,
    error: change.error,
    cause: change.cause,
    output: change.output,
    event_id: change.eventId,
  };
}
