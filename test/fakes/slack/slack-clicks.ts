import { createHmac, randomBytes } from 'node:crypto';
import type { SlackSink } from './slack-sink';

/** A message as an incoming webhook posted it (what the sink recorded). */
export interface PostedMessage {
  text: string;
  blocks: any[];
}

/** A click as Slack delivers it to the app's interactivity request URL. */
export interface SignedInteraction {
  /** The form body: `payload=` and the URL-encoded JSON. */
  body: string;
  headers: Record<string, string>;
  payload: any;
  responseUrl: string;
}

export interface ClickOptions {
  /** `action_ts`; default: a fresh one. A repeated delivery of the same click reuses it. */
  actionTs?: string;
  /** The signing instant, Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead of the app's. */
  secret?: string;
}

let sequence = 0;
/** Slack's `action_ts` form: seconds and microseconds; never the same twice in one test run. */
export const nextActionTs = () => `${Math.floor(Date.now() / 1000)}.${String(100000 + (sequence++ % 900000)).padStart(6, '0')}`;

/** Slack's signature headers of a request body at `timestamp` (Unix seconds). */
export function signSlackRequest(secret: string, rawBody: string, timestamp: number): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

/**
 * A stand-in for a Slack workspace with modelgate's app installed: builds the `block_actions`
 * payload Slack sends when someone clicks a button of a posted message, signs it with the app's
 * signing secret, and hands each click a response_url on the sink (which records the replies).
 */
export class FakeSlackApp {
  constructor(
    readonly signingSecret: string,
    private readonly sink: SlackSink,
  ) {}

  /** `user` (a Slack user id) clicks the button `actionId` of `message`. */
  click(message: PostedMessage, user: string, actionId: string, options: ClickOptions = {}): SignedInteraction {
    const block = message.blocks.find((b) => b.type === 'actions' && b.elements?.some((e: any) => e.action_id === actionId));
    if (!block) throw new Error(`the message has no button ${actionId}`);
    const button = block.elements.find((e: any) => e.action_id === actionId);
    const responseUrl = this.sink.responseUrl();
    const messageTs = '1764100600.000200';
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0MODELGATE' },
      api_app_id: 'A0MODELGATE',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: messageTs, channel_id: 'C0APPROVALS', is_ephemeral: false },
      trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
      team: { id: 'T0MODELGATE', domain: 'rentcars' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: 'C0APPROVALS', name: 'ml-approvals' },
      message: { type: 'message', subtype: 'bot_message', text: message.text, ts: messageTs, bot_id: 'B0MODELGATE', blocks: message.blocks },
      state: { values: {} },
      response_url: responseUrl,
      actions: [{ action_id: actionId, block_id: block.block_id, text: button.text, value: button.value, style: button.style, type: 'button', action_ts: options.actionTs ?? nextActionTs() }],
    };
    return this.signed(payload, options);
  }

  /** The same payload again, as Slack retries a delivery (signed anew, same click). */
  redeliver(interaction: SignedInteraction, options: ClickOptions = {}): SignedInteraction {
    return { ...this.signed(interaction.payload, options), responseUrl: interaction.responseUrl };
  }

  private signed(payload: any, options: ClickOptions): SignedInteraction {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    return { body, headers: signSlackRequest(options.secret ?? this.signingSecret, body, timestamp), payload, responseUrl: payload.response_url };
  }
}
