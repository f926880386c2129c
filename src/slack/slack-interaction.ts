import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../notifications/templates/approval-actions';
import type { SlackMessage } from '../notifications/templates/pipeline-slack';

export type SlackDecision = 'approve' | 'reject';

/** One click on an approver notice's button, as Slack told it. */
export interface SlackClick {
  /** Slack user id and the click's `action_ts`: a delivery Slack repeats carries the same key. */
  actionKey: string;
  slackUserId: string;
  decision: SlackDecision;
  promotionId: string;
  /** Where replies to this click go (Slack honours it for 30 minutes). A capability: never logged. */
  responseUrl: string;
  /** The message the button was on, to update it in place. */
  message?: SlackMessage;
}

/** A click to act on, or why a signed request is answered without acting. */
export type InteractionReading = { click: SlackClick } | { ignored: string };

const DECISIONS = new Map<unknown, SlackDecision>([
  [APPROVE_ACTION_ID, 'approve'],
  [REJECT_ACTION_ID, 'reject'],
]);
/** Slack user ids: U… (or W… on Enterprise Grid), upper-case letters and digits. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,31}$/;
const ACTION_TS = /^\d{1,12}\.\d{1,9}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    return ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function messageOf(value: unknown): SlackMessage | undefined {
  if (!isObject(value) || !Array.isArray(value.blocks) || !value.blocks.every(isObject)) return undefined;
  return { text: typeof value.text === 'string' ? value.text : '', blocks: value.blocks };
}

function payloadOf(rawBody: string): Record<string, unknown> | undefined {
  const payload = new URLSearchParams(rawBody).get('payload');
  if (payload === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(payload);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pure: reads Slack's form-encoded interaction (`payload` = JSON of a `block_actions` event) into the
 * click on an approver notice's Approve or Reject button. Anything else is ignored, with the reason.
 */
export function readInteraction(rawBody: string): InteractionReading {
  const payload = payloadOf(rawBody);
  if (!payload) return { ignored: 'no payload JSON object in the form' };
  if (payload.type !== 'block_actions') return { ignored: `interaction type ${String(payload.type).slice(0, 40)} is not a button click` };
  const user = isObject(payload.user) ? payload.user.id : undefined;
  const action = Array.isArray(payload.actions) && isObject(payload.actions[0]) ? payload.actions[0] : undefined;
  if (typeof user !== 'string' || !SLACK_USER_ID.test(user)) return { ignored: 'no Slack user id' };
  if (!action) return { ignored: 'no action' };
  const decision = DECISIONS.get(action.action_id);
  if (!decision) return { ignored: 'not an Approve or Reject button of modelgate' };
  if (typeof action.value !== 'string' || !UUID.test(action.value)) return { ignored: 'the button carries no promotion id' };
  if (typeof action.action_ts !== 'string' || !ACTION_TS.test(action.action_ts)) return { ignored: 'no action_ts' };
  if (!isHttpUrl(payload.response_url)) return { ignored: 'no response_url' };
  return {
    click: {
      actionKey: `${user}:${action.action_ts}`,
      slackUserId: user,
      decision,
      promotionId: action.value.toLowerCase(),
      responseUrl: payload.response_url,
      message: messageOf(payload.message),
    },
  };
}
