import { busOutboxItem, deployDecisionDetail, isBusEventPayload, stageChangedDetails } from './lifecycle-events';

const promotion = {
  id: 'p-1',
  kind: 'promotion' as const,
  model: 'churn-classifier',
  version: '7',
  project: 'churn',
  fromStage: 'Staging',
  toStage: 'Production',
  requestedBy: 'alice',
  reason: 'better',
  approvalsRequired: 2,
  expiresAt: null,
  archivedVersions: ['5', '6'],
};
const audit = { seq: 42, at: '2026-11-23T12:00:00.000Z', actor: 'alice' };

describe('lifecycle events', () => {
  it('a completed promotion changes the stage of the version and of each Production version it archived', () => {
    expect(stageChangedDetails(promotion, audit).map((d) => [d.version, d.from_stage, d.to_stage, d.audit_seq, d.promotion_id, d.cause])).toEqual([
      ['7', 'Staging', 'Production', 42, 'p-1', 'promotion'],
      ['5', 'Production', 'Archived', 42, 'p-1', 'promotion'],
      ['6', 'Production', 'Archived', 42, 'p-1', 'promotion'],
    ]);
    expect(stageChangedDetails({ ...promotion, archivedVersions: [] }, audit)).toHaveLength(1);
  });

  it('a bus row carries one PutEvents entry, snake_case, with a namespaced dedupe key', () => {
    const item = busOutboxItem('bus', 'Promotion Rejected', { ...stageChangedDetails(promotion, audit)[0], requested_by: 'alice', comment: null, archived_candidate: false }, {
      dedupeKey: '42|rejected',
      time: new Date(audit.at),
      project: 'churn',
    });
    expect(item).toMatchObject({ kind: 'bus', dedupeKey: 'bus|42|rejected', recipient: null, project: 'churn', executionArn: null });
    expect(item.payload).toMatchObject({ type: 'bus_event', event_bus_name: 'bus', source: 'modelgate', detail_type: 'Promotion Rejected', time: audit.at });
    expect(isBusEventPayload(item.payload)).toBe(true);
    expect(isBusEventPayload({ ...item.payload, detail_type: 'Something Else' })).toBe(false);
    expect(isBusEventPayload({ type: 'pipeline_run', notice: {} })).toBe(false);
  });

  it('a deploy decision names its caller as the actor', () => {
    expect(
      deployDecisionDetail({ id: 'd-1', project: 'churn', env: 'prd', model: 'm', version: null, stage: null, runId: null, outcome: 'denied', reasons: ['no'], caller: 'ci', commit: null, pipelineUrl: null }),
    ).toEqual({ decision_id: 'd-1', project: 'churn', env: 'prd', model: 'm', version: null, stage: null, run_id: null, outcome: 'denied', allowed: false, reasons: ['no'], actor: 'ci', commit: null, pipeline_url: null });
  });
});
