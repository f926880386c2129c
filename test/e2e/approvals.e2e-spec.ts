import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

describe('approvals, rejection, cancel, expiry', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let bob: string;
  let carol: string;
  let dave: string;
  const stageOf = (v: number) => mlflow.state.registry.version('gated', v).currentStage;
  const decide = (id: string, key: string, action: string, body: Record<string, unknown> = {}) =>
    t.request('POST', `/promotions/${id}/${action}`, { key, body });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let i = 0; i < 8; i++) mlflow.seed.modelVersion({ name: 'gated', stage: 'Staging' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    bob = await t.createKey('bob', ['approver']);
    carol = await t.createKey('carol', ['approver']);
    dave = await t.createKey('dave', ['promoter', 'approver']);
    await putProject(t, 'gating', projectYaml('gating', 'gated', 'promotion:\n  Production: { approvals: 2, approval_ttl_hours: 1 }'));
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });

  it('applies a Production promotion at the second distinct approval, refusing self-approval and double votes', async () => {
    const requested = await promote(t, alice, 'gated', 1, 'Production');
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ status: 'pending_approval', approvals_required: 2, approvals: [], expires_at: expect.any(String) });
    const id = requested.body.id;
    expect(stageOf(1)).toBe('Staging');

    expectError(await decide(id, alice, 'approve'), 403, 'FORBIDDEN'); // a promoter is not an approver
    const first = await decide(id, bob, 'approve', { comment: 'metrics look right' });
    expect(first.status).toBe(202);
    expect(first.body.approvals).toEqual([expect.objectContaining({ approver: 'bob', decision: 'approve', comment: 'metrics look right' })]);
    expectError(await decide(id, bob, 'approve'), 409, 'ALREADY_DECIDED');
    expect(stageOf(1)).toBe('Staging');

    const second = await decide(id, carol, 'approve');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'completed' });
    expect(stageOf(1)).toBe('Production');
    expectError(await decide(id, dave, 'approve'), 409, 'NOT_PENDING');

    const actions = (await t.request('GET', '/audit', { query: { model: 'gated', version: '1' } })).body.items.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`);
    expect(actions).toEqual(['promotion.completed:alice', 'promotion.approved:carol', 'promotion.approved:bob', 'promotion.requested:alice']);
  });

  it('refuses the requester deciding on their own promotion (403 SELF_APPROVAL)', async () => {
    const requested = await promote(t, dave, 'gated', 2, 'Production');
    expectError(await decide(requested.body.id, dave, 'approve'), 403, 'SELF_APPROVAL');
    expectError(await promote(t, dave, 'gated', 2, 'Production'), 409, 'ALREADY_PENDING');
    await decide(requested.body.id, dave, 'cancel');
  });

  it('answers 409 NOT_PENDING to whoever decides a promotion no longer pending, the requester and earlier voters included', async () => {
    const { id } = (await promote(t, dave, 'gated', 8, 'Production')).body;
    await decide(id, bob, 'approve');
    expect((await decide(id, carol, 'approve')).body.status).toBe('completed');
    for (const [key, action] of [[dave, 'approve'], [dave, 'reject'], [bob, 'approve'], [carol, 'reject']]) {
      expect(expectError(await decide(id, key, action), 409, 'NOT_PENDING').message).toContain('is completed');
    }
  });

  it('archives a rejected Staging→Production candidate, unless told not to', async () => {
    const a = await promote(t, alice, 'gated', 3, 'Production');
    const rejected = await decide(a.body.id, bob, 'reject', { comment: 'drift on segment B' });
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    expect(stageOf(3)).toBe('Archived');

    const b = await promote(t, alice, 'gated', 4, 'Production');
    expect((await decide(b.body.id, bob, 'reject', { archive: false })).body.status).toBe('rejected');
    expect(stageOf(4)).toBe('Staging');
    expectError(await decide(b.body.id, carol, 'approve'), 409, 'NOT_PENDING');
    const audit = (await t.request('GET', '/audit', { query: { model: 'gated', action: 'promotion.rejected' } })).body.items;
    expect(audit.map((e: { version: string; details: { archived_candidate: boolean } }) => [e.version, e.details.archived_candidate])).toEqual([
      ['4', false],
      ['3', true],
    ]);
  });

  it('lets the requester or an admin cancel, and nobody else', async () => {
    const p = await promote(t, alice, 'gated', 5, 'Production');
    expectError(await decide(p.body.id, dave, 'cancel'), 403, 'NOT_REQUESTER');
    expect((await decide(p.body.id, alice, 'cancel')).body.status).toBe('cancelled');
    expectError(await decide(p.body.id, alice, 'cancel'), 409, 'NOT_PENDING');
    const q = await promote(t, alice, 'gated', 5, 'Production');
    expect((await t.request('POST', `/promotions/${q.body.id}/cancel`)).body.status).toBe('cancelled');
  });

  it('expires pending promotions past their approval time', async () => {
    const p = await promote(t, alice, 'gated', 6, 'Production');
    await withDatabase(t.databaseUrl, (db) => db.query(`UPDATE promotions SET expires_at = now() - interval '1 second' WHERE id = $1`, [p.body.id]));
    expectError(await decide(p.body.id, bob, 'approve'), 409, 'NOT_PENDING');
    await t.app.get(PromotionReconciler).expire();
    const expired = await t.request('GET', `/promotions/${p.body.id}`);
    expect(expired.body.status).toBe('expired');
    const audit = (await t.request('GET', '/audit', { query: { model: 'gated', version: '6', action: 'promotion.expired' } })).body.items;
    expect(audit).toEqual([expect.objectContaining({ actor: 'system:expiry' })]);
  });

  it('fails an approved promotion whose version moved meanwhile (409 STALE_PROMOTION)', async () => {
    const p = await promote(t, alice, 'gated', 7, 'Production');
    await decide(p.body.id, bob, 'approve');
    mlflow.state.registry.transition('gated', 7, 'Archived', false);
    const res = await decide(p.body.id, carol, 'approve');
    expect(expectError(res, 409, 'STALE_PROMOTION').message).toContain('now in Archived');
    expect((await t.request('GET', `/promotions/${p.body.id}`)).body).toMatchObject({ status: 'failed', failure: expect.stringContaining('stale') });
    expect(stageOf(7)).toBe('Archived');
  });
});
