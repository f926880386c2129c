import type { PipelineRunNotice } from '../notification.types';
import { PipelineFacts, pipelineFacts, truncate } from './pipeline-facts';

/** A Slack incoming-webhook body: Block Kit blocks and the plain-text fallback. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack's own limits: header text 150, section text 3000, a field 2000, at most 10 fields. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const MAX_FIELDS = 10;

/** Slack mrkdwn needs only these three escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function codeBlock(text: string, max: number): string {
  // Backticks inside would close the block early.
  return '```' + truncate(escapeMrkdwn(text).replace(/```/g, "'''"), max - 6) + '```';
}

function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** The Slack message about one execution status change, with the same facts as the e-mail. */
export function renderPipelineSlack(notice: PipelineRunNotice): SlackMessage {
  const f = pipelineFacts(notice);
  const emoji = f.failed ? ':red_circle:' : notice.status === 'SUCCEEDED' ? ':large_green_circle:' : ':large_blue_circle:';
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${f.title}`, HEADER_MAX), emoji: true } },
    { type: 'section', fields: fieldsOf(f, notice) },
  ];
  const detail = detailOf(f);
  if (detail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(detail, SECTION_MAX) } });
  const links = [
    f.executionUrl ? link(f.executionUrl, 'Execution in the Step Functions console') : undefined,
    f.logGroupUrl ? `Logs: ${link(f.logGroupUrl, f.logGroup)}` : `Logs: ${escapeMrkdwn(f.logGroup)}`,
  ].filter((x): x is string => x !== undefined);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(links.join('  ·  '), SECTION_MAX) }] });
  return { text: `${emoji} ${escapeMrkdwn(f.subject)}`, blocks };
}

function fieldsOf(f: PipelineFacts, n: PipelineRunNotice): Record<string, unknown>[] {
  return f.rows.slice(0, MAX_FIELDS).map((r) => {
    const value = r.label === 'Execution' && f.executionUrl ? link(f.executionUrl, n.execution_name) : escapeMrkdwn(r.value);
    return { type: 'mrkdwn', text: truncate(`*${r.label}*\n${value}`, FIELD_MAX) };
  });
}

function detailOf(f: PipelineFacts): string | undefined {
  const parts: string[] = [];
  if (f.failedState) {
    parts.push(`*Failed step:* ${escapeMrkdwn(f.failedState.name)}` + (f.failedState.error ? ` — \`${escapeMrkdwn(f.failedState.error)}\`` : ''));
  }
  if (f.error) parts.push(`*Error:* \`${escapeMrkdwn(f.error)}\``);
  const cause = f.failedState?.cause ?? f.cause;
  if (cause) parts.push(`*Cause:*\n${codeBlock(cause, 2000)}`);
  if (f.output) parts.push(`*Output:*\n${codeBlock(f.output, 800)}`);
  return parts.length ? parts.join('\n') : undefined;
}
