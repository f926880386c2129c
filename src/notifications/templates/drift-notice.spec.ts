import type { DriftNotice } from '../notification.types';
import { driftOutboxItems } from '../recipient';
import { adoptCall, driftLine, driftSubject, renderDriftEmail, renderDriftSlack } from './drift-notice';

const notice = (overrides: Partial<DriftNotice> = {}): DriftNotice => ({
  kind: 'detected',
  project: 'recsys',
  model: 'recsys',
  action: 'alert',
  drifts: [
    { version: '2', expected_stage: 'Production', observed_stage: 'Archived', expected_aliases: ['production'], observed_aliases: [], changed_at: '2026-12-01T10:00:00.000Z', audit_seq: 41 },
    { version: '3', expected_stage: 'Staging', observed_stage: 'Production', expected_aliases: [], observed_aliases: ['production'], changed_at: '2026-12-01T10:00:00.000Z', audit_seq: 42 },
  ],
  ...overrides,
});

describe('drift notice templates', () => {
  it('subject names project, model and versions, on one line', () => {
    expect(driftSubject(notice())).toBe('[recsys] recsys versions 2, 3 changed in MLflow behind modelgate');
    expect(driftSubject(notice({ project: null, model: 'a\nb', drifts: [notice().drifts[1]] }))).toBe('a b version 3 changed in MLflow behind modelgate');
    expect(driftSubject(notice({ kind: 'reverted' }))).toBe('[recsys] recsys versions 2, 3 put back in MLflow by modelgate');
  });

  it('says per version what MLflow holds, what modelgate expects, the aliases that moved and when MLflow says it changed', () => {
    const [archived, promoted] = notice().drifts;
    expect(driftLine(notice(), promoted)).toBe('version 3: in Production in MLflow, modelgate expects Staging; alias production added (changed 2026-12-01 10:00:00 UTC)');
    expect(driftLine(notice(), archived)).toBe('version 2: in Archived in MLflow, modelgate expects Production; alias production removed (changed 2026-12-01 10:00:00 UTC)');
    expect(driftLine(notice(), { ...promoted, expected_stage: 'Production', changed_at: null })).toBe('version 3: in Production as expected; alias production added');
    expect(driftLine(notice({ kind: 'reverted' }), promoted)).toBe('version 3: Production → Staging; alias production removed');
  });

  it('gives the adopt call per version, the model name escaped for the URL', () => {
    expect(adoptCall('recsys', '3').split('\n')[0]).toBe('curl -X POST "$MODELGATE_URL/models/recsys/versions/3/adopt" \\');
    expect(adoptCall('team/model "x"', '1')).toContain('/models/team%2Fmodel%20%22x%22/versions/1/adopt');
  });

  it('e-mail lists every version and both ways out, with HTML escaped', () => {
    const { subject, text, html } = renderDriftEmail(notice({ model: 'rec<sys>' }));
    expect(subject).toBe('[recsys] rec<sys> versions 2, 3 changed in MLflow behind modelgate');
    expect(text).toContain('  version 3: in Production in MLflow, modelgate expects Staging');
    expect(text).toContain('1. Adopt it: an approver accepts');
    expect(text).toContain('/models/rec%3Csys%3E/versions/2/adopt');
    expect(text).toContain('2. Revert it: put MLflow back yourself (version 2 to Production, version 3 to Staging), or set drift.action: revert');
    expect(html).toContain('rec&lt;sys&gt;');
    expect(html).not.toContain('rec<sys>');
  });

  it('says modelgate reverts by itself when the project asks, and after a revert lists what it put back without ways out', () => {
    expect(renderDriftEmail(notice({ action: 'revert' })).text).toContain('2. Revert it: modelgate puts it back now (the project sets drift.action: revert).');
    const reverted = renderDriftEmail(notice({ kind: 'reverted' })).text;
    expect(reverted).toContain('  version 2: Archived → Production; alias production added');
    expect(reverted).not.toContain('Two ways out');
  });

  it('Slack message carries the same facts within Slack limits, mrkdwn escaped', () => {
    const message = renderDriftSlack(notice({ model: 'a&b' }));
    const json = JSON.stringify(message);
    expect(message.text).toBe(':warning: [recsys] a&amp;b versions 2, 3 changed in MLflow behind modelgate');
    expect(json).toContain('version 3: in Production in MLflow, modelgate expects Staging');
    expect(json).toContain('/models/a%26b/versions/3/adopt');
    expect(renderDriftSlack(notice({ kind: 'reverted' })).blocks).toHaveLength(2);
  });

  it('makes one outbox row per distinct recipient and check', () => {
    const items = driftOutboxItems(notice(), ['Ops@Rentcars.com', 'ops@rentcars.com', 'slack:ml-alerts', 'junk']);
    expect(items.map((i) => [i.kind, i.recipient, i.dedupeKey])).toEqual([
      ['email', 'Ops@Rentcars.com', 'registry_drift|recsys|detected|41|ops@rentcars.com'],
      ['slack', 'slack:ml-alerts', 'registry_drift|recsys|detected|41|slack:ml-alerts'],
    ]);
    expect(driftOutboxItems(notice({ kind: 'reverted' }), ['a@b.co'])[0].dedupeKey).toBe('registry_drift|recsys|reverted|41|a@b.co');
  });
});
