import { z } from 'zod';

const SLACK_CHANNEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const email = z.string().email();

export type ParsedRecipient = { kind: 'email'; address: string } | { kind: 'slack'; channel: string };

/** A recipient as written in `notifications`: an e-mail address or `slack:NAME`. */
export function parseRecipient(value: string): ParsedRecipient | { problem: string } {
  if (value.startsWith('slack:')) {
    const channel = value.slice('slack:'.length);
    if (channel === '') return { problem: 'slack: needs a channel name, e.g. "slack:ml-alerts"' };
    if (!SLACK_CHANNEL.test(channel)) return { problem: `"${channel}" is not a channel name (letters, digits, . _ -)` };
    return { kind: 'slack', channel };
  }
  if (!email.safeParse(value).success) return { problem: `"${value}" is neither an e-mail address nor slack:NAME` };
  return { kind: 'email', address: value };
}
