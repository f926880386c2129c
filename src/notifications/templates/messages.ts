import type { NotificationMessage } from '../notification.types';
import { ApprovalSlackOptions, approvalSubject, renderApprovalEmail, renderApprovalSlack } from './approval-notice';
import { driftSubject, renderDriftEmail, renderDriftSlack } from './drift-notice';
import { RenderedEmail, renderPipelineEmail } from './pipeline-email';
import { pipelineFacts } from './pipeline-facts';
import { SlackMessage, renderPipelineSlack } from './pipeline-slack';

/** The e-mail for a message of any type the outbox carries. */
export function renderEmail(message: NotificationMessage): RenderedEmail {
  switch (message.type) {
    case 'pipeline_run':
      return renderPipelineEmail(message.notice);
    case 'approval_needed':
      return renderApprovalEmail(message.notice);
    case 'registry_drift':
      return renderDriftEmail(message.notice);
  }
}

/** The Slack message for a message of any type the outbox carries. */
export function renderSlack(message: NotificationMessage, options: ApprovalSlackOptions = {}): SlackMessage {
  switch (message.type) {
    case 'pipeline_run':
      return renderPipelineSlack(message.notice);
    case 'approval_needed':
      return renderApprovalSlack(message.notice, options);
    case 'registry_drift':
      return renderDriftSlack(message.notice);
  }
}

/** The subject line alone, for listings. */
export function subjectOf(message: NotificationMessage): string {
  switch (message.type) {
    case 'pipeline_run':
      return pipelineFacts(message.notice).subject;
    case 'approval_needed':
      return approvalSubject(message.notice);
    case 'registry_drift':
      return driftSubject(message.notice);
  }
}

const MESSAGE_TYPES: readonly string[] = ['pipeline_run', 'approval_needed', 'registry_drift'] satisfies NotificationMessage['type'][];

/** True when a stored payload is a message these templates know (rows are JSON from the database). */
export function isNotificationMessage(payload: unknown): payload is NotificationMessage {
  const p = payload as { type?: unknown; notice?: unknown } | null;
  return p !== null && typeof p === 'object' && MESSAGE_TYPES.includes(p.type as string) && typeof p.notice === 'object' && p.notice !== null;
}
