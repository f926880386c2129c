import type { DriftNotice, DriftNoticeItem } from '../notification.types';
import { escapeHtml } from './html';
import type { RenderedEmail } from './pipeline-email';
import { formatTime, oneLine, truncate } from './pipeline-facts';
import { SlackMessage, escapeMrkdwn } from './pipeline-slack';

/** Pure: the notice of changes made in MLflow behind modelgate's back (or put back by it), by e-mail and Slack. */

/** The base URL and key the calls use: the same variables as the gate CLI. */
const BASE = '$MODELGATE_URL';

const versionsOf = (n: DriftNotice) => n.drifts.map((d) => d.version);

export function driftSubject(n: DriftNotice): string {
  const project = n.project ? `[${n.project}] ` : '';
  const versions = versionsOf(n);
  const which = versions.length === 1 ? `version ${versions[0]}` : `versions ${versions.join(', ')}`;
  const what = n.kind === 'detected' ? 'changed in MLflow behind modelgate' : 'put back in MLflow by modelgate';
  return oneLine(`${project}${n.model} ${which} ${what}`);
}

function aliasChange(from: string[], to: string[]): string | undefined {
  const added = to.filter((a) => !from.includes(a));
  const removed = from.filter((a) => !to.includes(a));
  const parts = [...(added.length ? [`alias ${added.join(', ')} added`] : []), ...(removed.length ? [`alias ${removed.join(', ')} removed`] : [])];
  return parts.length ? parts.join(', ') : undefined;
}

/** One line per version: what MLflow holds against what modelgate expects, and when MLflow says it changed. */
export function driftLine(n: DriftNotice, d: DriftNoticeItem): string {
  if (n.kind === 'reverted') {
    const stage = d.observed_stage !== d.expected_stage ? `${d.observed_stage} → ${d.expected_stage}` : `stays in ${d.expected_stage}`;
    const aliases = aliasChange(d.observed_aliases, d.expected_aliases);
    return `version ${d.version}: ${stage}${aliases ? `; ${aliases}` : ''}`;
  }
  const stage =
    d.observed_stage !== d.expected_stage
      ? `in ${d.observed_stage} in MLflow, modelgate expects ${d.expected_stage}`
      : `in ${d.observed_stage} as expected`;
  const aliases = aliasChange(d.expected_aliases, d.observed_aliases);
  const when = formatTime(d.changed_at);
  return `version ${d.version}: ${stage}${aliases ? `; ${aliases}` : ''}${when ? ` (changed ${when})` : ''}`;
}

/** The adopt call for one version, ready to paste. */
export function adoptCall(model: string, version: string): string {
  return [
    `curl -X POST "${BASE}/models/${encodeURIComponent(model)}/versions/${version}/adopt" \\`,
    `  -H "Authorization: Bearer $MODELGATE_API_KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"reason": "why this change is right"}'`,
  ].join('\n');
}

/** The two ways out of a drift, or (after a revert) what happened. */
export function waysOut(n: DriftNotice): { adopt: string; revert: string } | undefined {
  if (n.kind === 'reverted') return undefined;
  const back = n.drifts
    .filter((d) => d.observed_stage !== d.expected_stage)
    .map((d) => `version ${d.version} to ${d.expected_stage}`)
    .join(', ');
  const revert =
    n.action === 'revert'
      ? 'modelgate puts it back now (the project sets drift.action: revert).'
      : `put MLflow back yourself${back ? ` (${back})` : ''}, or set drift.action: revert in the project's config and modelgate puts it back at its next check.`;
  return {
    adopt: `an approver accepts MLflow's state as it is, with a reason (once per version):\n${n.drifts.map((d) => adoptCall(n.model, d.version)).join('\n')}`,
    revert,
  };
}

function intro(n: DriftNotice): string {
  return n.kind === 'detected'
    ? `Someone changed ${n.model} in MLflow without modelgate: no policy, no approval, no audit event of theirs. The deploy gate refuses a version in a stage modelgate did not put it in.`
    : `modelgate put ${n.model} back in MLflow to what it expects, because the project sets drift.action: revert.`;
}

export function renderDriftEmail(n: DriftNotice): RenderedEmail {
  const title = n.kind === 'detected' ? `MLflow changed behind modelgate: ${n.model}` : `modelgate put MLflow back: ${n.model}`;
  const lines = n.drifts.map((d) => driftLine(n, d));
  const ways = waysOut(n);
  const head = [...(n.project ? [`Project: ${n.project}`] : []), `Model:   ${n.model}`];
  const text = [
    title,
    '',
    ...head,
    '',
    intro(n),
    '',
    ...lines.map((l) => `  ${l}`),
    ...(ways ? ['', 'Two ways out:', `1. Adopt it: ${ways.adopt.replace(/\n/g, '\n   ')}`, `2. Revert it: ${ways.revert}`] : []),
    '',
    '-- modelgate',
  ].join('\n');
  const pre = (t: string) => `<pre style="background:#f2f4f7;padding:8px;white-space:pre-wrap;word-break:break-word">${escapeHtml(t)}</pre>`;
  const [adoptHead, ...calls] = ways ? ways.adopt.split('\n') : [];
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#101828">',
    `<h2 style="margin:0 0 12px">${escapeHtml(title)}</h2>`,
    `<p>${head.map(escapeHtml).join('<br>')}</p>`,
    `<p>${escapeHtml(intro(n))}</p>`,
    `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    ...(ways
      ? [
          '<h3 style="margin:16px 0 4px">Two ways out</h3>',
          `<p>1. Adopt it: ${escapeHtml(adoptHead)}</p>${pre(calls.join('\n'))}`,
          `<p>2. Revert it: ${escapeHtml(ways.revert)}</p>`,
        ]
      : []),
    '<p style="color:#667085;font-size:12px">Sent by modelgate.</p>',
    '</body></html>',
  ].join('\n');
  return { subject: driftSubject(n), text, html };
}

export function renderDriftSlack(n: DriftNotice): SlackMessage {
  const ways = waysOut(n);
  const lines = n.drifts.map((d) => `• ${escapeMrkdwn(driftLine(n, d))}`).join('\n');
  const header = n.kind === 'detected' ? `MLflow changed behind modelgate: ${n.model}` : `modelgate put MLflow back: ${n.model}`;
  const [adoptHead, ...calls] = ways ? ways.adopt.split('\n') : [];
  return {
    text: `${n.kind === 'detected' ? ':warning:' : ':leftwards_arrow_with_hook:'} ${escapeMrkdwn(driftSubject(n))}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(header, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${escapeMrkdwn(intro(n))}\n${lines}`, 3000) } },
      ...(ways
        ? [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: truncate(`*1. Adopt it:* ${escapeMrkdwn(adoptHead)}\n\`\`\`${escapeMrkdwn(calls.join('\n'))}\`\`\`\n*2. Revert it:* ${escapeMrkdwn(ways.revert)}`, 3000),
              },
            },
          ]
        : []),
    ],
  };
}
