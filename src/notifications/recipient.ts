import type { NewOutboxItem } from '../outbox/outbox.types';
import type { ApprovalNotice, DriftNotice, PipelineRunNotice } from './notification.types';

/** A recipient as a project config writes it: an e-mail address or `slack:NAME`. */
export type ParsedRecipient = { kind: 'email'; address: string } | { kind: 'slack'; channel: string };

const SLACK_PREFIX = 'slack:';
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Parses one recipient; undefined for anything that is neither (the projects feature refuses those). */
export function parseRecipient(raw: string): ParsedRecipient | undefined {
  const value = raw.trim();
  if (value.toLowerCase().startsWith(SLACK_PREFIX)) {
    const channel = value.slice(SLACK_PREFIX.length).trim();
    return channel ? { kind: 'slack', channel } : undefined;
  }
  return EMAIL.test(value) && value.length <= 320 ? { kind: 'email', address: value } : undefined;
}

/** The recipient column of a parsed recipient: the address, or `slack:NAME`. */
export function recipientLabel(r: ParsedRecipient): string {
  return r.kind === 'email' ? r.address : `${SLACK_PREFIX}${r.channel}`;
}

/**
 * One outbox row per distinct recipient of a pipeline notice. The dedupe key (execution, status,
 * redrive count, recipient) is what makes a redelivered or concurrent event notify nobody twice.
 */
export function pipelineRunOutboxItems(notice: PipelineRunNotice, recipients: readonly string[]): NewOutboxItem[] {
  const items = new Map<string, NewOutboxItem>();
  const payload = { type: 'pipeline_run' as const, notice };
  for (const raw of recipients) {
    const parsed = parseRecipient(raw);
    if (!parsed) continue;
    const label = recipientLabel(parsed);
    const dedupeKey = ['pipeline_run', notice.execution_arn, notice.status, notice.redrive_count, label.toLowerCase()].join('|');
    if (items.has(dedupeKey)) continue;
    items.set(dedupeKey, {
      kind: parsed.kind,
      dedupeKey,
      recipient: label,
      project: notice.project,
      executionArn: notice.execution_arn,
      payload,
    });
  }
  return [...items.values()];
}

/** One outbox row per distinct approver recipient; the dedupe key (promotion, recipient) notifies each once. */
export function approvalOutboxItems(notice: ApprovalNotice, recipients: readonly string[]): NewOutboxItem[] {
  const items = new Map<string, NewOutboxItem>();
  for (const raw of recipients) {
    const parsed = parseRecipient(raw);
    if (!parsed) continue;
    const label = recipientLabel(parsed);
    const dedupeKey = ['approval_needed', notice.promotion_id, label.toLowerCase()].join('|');
    if (!items.has(dedupeKey)) {
      items.set(dedupeKey, { kind: parsed.kind, dedupeKey, recipient: label, project: notice.project, executionArn: null, payload: { type: 'approval_needed', notice } });
    }
  }
  return [...items.values()];
}

/**
 * One outbox row per distinct recipient of a drift notice; the dedupe key (model, kind, the first
 * audit event the notice reports, recipient) notifies each once per check.
 */
export function driftOutboxItems(notice: DriftNotice, recipients: readonly string[]): NewOutboxItem[] {
  const items = new Map<string, NewOutboxItem>();
  const firstSeq = Math.min(...notice.drifts.map((d) => d.audit_seq));
  for (const raw of recipients) {
    const parsed = parseRecipient(raw);
    if (!parsed) continue;
    const label = recipientLabel(parsed);
    const dedupeKey = ['registry_drift', notice.model, notice.kind, firstSeq, label.toLowerCase()].join('|');
    if (!items.has(dedupeKey)) {
      items.set(dedupeKey, { kind: parsed.kind, dedupeKey, recipient: label, project: notice.project, executionArn: null, payload: { type: 'registry_drift', notice } });
    }
  }
  return [...items.values()];
}
