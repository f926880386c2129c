import type { ApprovalNotice } from '../notification.types';
import { approvalActionsBlock } from './approval-actions';
import { escapeHtml } from './html';
import type { RenderedEmail } from './pipeline-email';
import { formatTime, oneLine, truncate } from './pipeline-facts';
import { SlackMessage, escapeMrkdwn } from './pipeline-slack';

/** Pure: the notice to approvers of a promotion awaiting them, by e-mail and Slack, with the calls to make. */

/** The base URL and key the calls use: the same variables as the gate CLI. */
const BASE = '$MODELGATE_URL';

export function approvalsMissing(n: ApprovalNotice): number {
  return Math.max(0, n.approvals_required - n.approvals_given);
}

export function approvalSubject(n: ApprovalNotice): string {
  const project = n.project ? `[${n.project}] ` : '';
  return oneLine(`${project}approval needed: ${n.model} version ${n.version} → ${n.to_stage}`);
}

/** The approve and reject calls, ready to paste (the promotion id is a UUID: nothing to escape). */
export function approvalCalls(n: ApprovalNotice): { approve: string; reject: string } {
  const call = (action: string, body: string) =>
    [
      `curl -X POST "${BASE}/promotions/${n.promotion_id}/${action}" \\`,
      `  -H "Authorization: Bearer $MODELGATE_API_KEY" -H 'Content-Type: application/json' \\`,
      `  -d '${body}'`,
    ].join('\n');
  return { approve: call('approve', '{"comment": "approved"}'), reject: call('reject', '{"comment": "why not"}') };
}

interface Row {
  label: string;
  value: string;
}

function rowsOf(n: ApprovalNotice): Row[] {
  const rows: Row[] = [];
  if (n.project) rows.push({ label: 'Project', value: n.project });
  rows.push(
    { label: 'Model', value: n.model },
    { label: 'Version', value: n.version },
    { label: 'Transition', value: `${n.from_stage} → ${n.to_stage}` },
    { label: 'Requested by', value: n.requested_by },
    { label: 'Reason', value: n.reason },
    { label: 'Approvals', value: `${approvalsMissing(n)} missing (${n.approvals_given} of ${n.approvals_required} given)` },
  );
  const expires = formatTime(n.expires_at);
  if (expires) rows.push({ label: 'Expires', value: expires });
  rows.push({ label: 'Promotion', value: n.promotion_id });
  return rows;
}

function verdictLines(n: ApprovalNotice): string[] {
  const head = n.verdict.allowed ? 'Policy verdict: every rule passed' : 'Policy verdict: some rules fail';
  const rules = n.verdict.rules.map((r) => `${r.passed ? '[pass]' : '[FAIL]'} ${r.message}`);
  return [head, ...(rules.length ? rules : [n.verdict.note ?? 'no rule to check'])];
}

const requesterNote = (n: ApprovalNotice) => `An approver other than ${n.requested_by} (approver role) decides.`;

const CONSOLE_LINK_TEXT = 'Open the promotion in the modelgate console';

/** A Slack link: `|` and `>` would end its URL early. */
const slackLink = (url: string, text: string) => `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(text)}>`;

export function renderApprovalEmail(n: ApprovalNotice): RenderedEmail {
  const title = `Approval needed: ${n.model} version ${n.version} to ${n.to_stage}`;
  const calls = approvalCalls(n);
  const [verdictHead, ...rules] = verdictLines(n);
  const text = [
    title,
    '',
    ...rowsOf(n).map((r) => `${`${r.label}:`.padEnd(16)}${r.value}`),
    '',
    verdictHead,
    ...rules.map((r) => `  ${r}`),
    '',
    requesterNote(n),
    ...(n.console_url ? [`Decide in the console: ${n.console_url}`, 'Or with curl:'] : []),
    'To approve:',
    calls.approve.replace(/^/gm, '  '),
    'To reject:',
    calls.reject.replace(/^/gm, '  '),
    '',
    '-- modelgate',
  ].join('\n');
  const row = (r: Row) => `<tr><th align="left" style="padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(r.label)}</th><td style="padding:2px 0">${escapeHtml(r.value)}</td></tr>`;
  const pre = (t: string) => `<pre style="background:#f2f4f7;padding:8px;white-space:pre-wrap;word-break:break-word">${escapeHtml(t)}</pre>`;
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#101828">',
    `<h2 style="margin:0 0 12px">${escapeHtml(title)}</h2>`,
    `<table cellspacing="0" cellpadding="0">${rowsOf(n).map(row).join('')}</table>`,
    `<h3 style="margin:16px 0 4px">${escapeHtml(verdictHead)}</h3>`,
    `<ul>${rules.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(requesterNote(n))}</p>`,
    ...(n.console_url ? [`<p><a href="${escapeHtml(n.console_url)}">${escapeHtml(CONSOLE_LINK_TEXT)}</a></p>`] : []),
    `<h3 style="margin:16px 0 4px">To approve</h3>${pre(calls.approve)}`,
    `<h3 style="margin:16px 0 4px">To reject</h3>${pre(calls.reject)}`,
    '<p style="color:#667085;font-size:12px">Sent by modelgate.</p>',
    '</body></html>',
  ].join('\n');
  return { subject: approvalSubject(n), text, html };
}

/** `buttons`: add Approve and Reject (only when modelgate can verify Slack's clicks: SLACK_SIGNING_SECRET). */
export interface ApprovalSlackOptions {
  buttons?: boolean;
}

export function renderApprovalSlack(n: ApprovalNotice, options: ApprovalSlackOptions = {}): SlackMessage {
  const calls = approvalCalls(n);
  const fields = rowsOf(n)
    .slice(0, 10)
    .map((r) => ({ type: 'mrkdwn', text: truncate(`*${r.label}*\n${escapeMrkdwn(r.value)}`, 2000) }));
  const [verdictHead, ...rules] = verdictLines(n);
  const verdict = `*${escapeMrkdwn(verdictHead)}*\n${rules.map((r) => `• ${escapeMrkdwn(r)}`).join('\n')}`;
  const howTo = `${escapeMrkdwn(requesterNote(n))}\n*Approve:*\n\`\`\`${escapeMrkdwn(calls.approve)}\`\`\`\n*Reject:*\n\`\`\`${escapeMrkdwn(calls.reject)}\`\`\``;
  return {
    text: `:raised_hand: ${escapeMrkdwn(approvalSubject(n))}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(`Approval needed: ${n.model} v${n.version} → ${n.to_stage}`, 150), emoji: true } },
      { type: 'section', fields },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(verdict, 3000) } },
      ...(n.console_url ? [{ type: 'section', text: { type: 'mrkdwn', text: `:point_right: ${slackLink(n.console_url, CONSOLE_LINK_TEXT)}` } }] : []),
      { type: 'section', text: { type: 'mrkdwn', text: truncate(howTo, 3000) } },
      ...(options.buttons ? [approvalActionsBlock(n)] : []),
    ],
  };
}
