import type { PipelineRunNotice } from '../notification.types';
import { escapeHtml } from './html';
import { PipelineFacts, pipelineFacts } from './pipeline-facts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The e-mail about one execution status change: plain text and HTML with the same facts. */
export function renderPipelineEmail(notice: PipelineRunNotice): RenderedEmail {
  const facts = pipelineFacts(notice);
  return { subject: facts.subject, text: textOf(facts, notice), html: htmlOf(facts, notice) };
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function textOf(f: PipelineFacts, n: PipelineRunNotice): string {
  const width = 16;
  const line = (label: string, value: string) => `${(label ? `${label}:` : '').padEnd(width)}${value}`;
  const out = [f.title, '', ...f.rows.map((r) => line(r.label, r.value))];
  if (f.failedState) {
    out.push(line('Failed step', f.failedState.name));
    if (f.failedState.error) out.push(line('Step error', f.failedState.error));
  }
  if (f.error) out.push(line('Error', f.error));
  const cause = f.failedState?.cause ?? f.cause;
  if (cause) out.push('Cause:', indent(cause));
  if (f.output) out.push('Output:', indent(f.output));
  out.push('', line('Logs', `CloudWatch log group ${f.logGroup}`));
  if (f.logGroupUrl) out.push(line('', f.logGroupUrl));
  if (f.executionUrl) out.push(line('Console', f.executionUrl));
  out.push(line('Execution ARN', n.execution_arn));
  out.push('', '-- modelgate');
  return out.join('\n');
}

function htmlOf(f: PipelineFacts, n: PipelineRunNotice): string {
  const color = f.failed ? '#b42318' : n.status === 'SUCCEEDED' ? '#067647' : '#344054';
  const row = (label: string, valueHtml: string) =>
    `<tr><th align="left" style="padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(label)}</th><td style="padding:2px 0">${valueHtml}</td></tr>`;
  const pre = (text: string) =>
    `<pre style="background:#f2f4f7;padding:8px;white-space:pre-wrap;word-break:break-word">${escapeHtml(text)}</pre>`;
  const link = (url: string, text: string) => `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;

  const rows = f.rows.map((r) => row(r.label, escapeHtml(r.value)));
  if (f.failedState) rows.push(row('Failed step', `<strong>${escapeHtml(f.failedState.name)}</strong>`));
  if (f.failedState?.error) rows.push(row('Step error', `<code>${escapeHtml(f.failedState.error)}</code>`));
  if (f.error) rows.push(row('Error', `<code>${escapeHtml(f.error)}</code>`));
  const logs = f.logGroupUrl ? link(f.logGroupUrl, f.logGroup) : escapeHtml(f.logGroup);
  rows.push(row('Logs', `CloudWatch log group ${logs}`));
  rows.push(row('Execution ARN', `<code>${escapeHtml(n.execution_arn)}</code>`));

  const cause = f.failedState?.cause ?? f.cause;
  return [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px;color:#101828">',
    `<h2 style="color:${color};margin:0 0 12px">${escapeHtml(f.title)}</h2>`,
    `<table cellspacing="0" cellpadding="0">${rows.join('')}</table>`,
    cause ? `<h3 style="margin:16px 0 4px">Cause</h3>${pre(cause)}` : '',
    f.output ? `<h3 style="margin:16px 0 4px">Output</h3>${pre(f.output)}` : '',
    f.executionUrl ? `<p>${link(f.executionUrl, 'Open the execution in the Step Functions console')}</p>` : '',
    '<p style="color:#667085;font-size:12px">Sent by modelgate.</p>',
    '</body></html>',
  ].join('\n');
}
