import type { NotificationMessage } from '../notification.types';
import { RenderedEmail, renderPipelineEmail } from './pipeline-email';
import { pipelineFacts } from './pipeline-facts';
import { SlackMessage, renderPipelineSlack } from './pipeline-slack';

/** The e-mail for a message of any type the outbox carries. */
export function renderEmail(message: NotificationMessage): RenderedEmail {
  switch (message.type) {
    case 'pipeline_run':
      return renderPipelineEmail(message.notice);
  }
}

/** The Slack message for a message of any type the outbox carries. */
export function renderSlack(message: NotificationMessage): SlackMessage {
  switch (message.type) {
    case 'pipeline_run':
      return renderPipelineSlack(message.notice);
  }
}

/** The subject line alone, for listings. */
export function subjectOf(message: NotificationMessage): string {
  switch (message.type) {
    case 'pipeline_run':
      return pipelineFacts(message.notice).subject;
  }
}

/** True when a stored payload is a message these templates know (rows are JSON from the database). */
export function isNotificationMessage(payload: unknown): payload is NotificationMessage {
  const p = payload as { type?: unknown; notice?: unknown } | null;
  return p !== null && typeof p === 'object' && p.type === 'pipeline_run' && typeof p.notice === 'object' && p.notice !== null;
}
