import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

describe('approvals and rejections MLflow could not carry out at once', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let bob: string;
  let carol: string;
  let dave: string;
  const stageOf = (v: number) => mlflow.state.registry.version('late', v).currentStage;
  const decide = (id: string, key: string, action: string, body: Record<string, unknown> = {}) => t.request('POST', `/promotions/${id}/${action}`, { key, body });
  const get = async (id: string) => (await t.request('GET', `/promotions/${id}`)).body;
  const sql = (text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows);
  const reconcile = () => t.app.get(PromotionReconciler).reconcile();
  const auditOf = async (version: number) =>
    (await t.request('GET', '/audit', { query: { model: 'late', version: String(version) } })).body.items.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let i = 0; i < 5; i++) mlflow.seed.modelVersion({ name: 'late', stage: 'Staging' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    bob = await t.createKey('bob', ['approver']);
    carol = await t.createKey('carol', ['approver']);
    dave = await t.createKey('dave', ['approver']);
    await putProject(t, 'late', projectYaml('late', 'late', 'promotion:\n  Production: { approvals: 2, approval_ttl_hours: 1 }'));
  });
  afterEach(() => mlflow.clearFaults());
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });

  it('keeps the last approval as `approved` while MLflow answers 503, never expires it, and completes it in one reconciler round', async () => {
    const { id } = (await promote(t, alice, 'late', 1, 'Production')).body;
    await decide(id, bob, 'approve');
    mlflow.failWith(503);
    const last = await decide(id, carol, 'approve');
    expect(last.status).toBe(202);
    expect(last.body).toMatchObject({ status: 'approved', message: expect.stringContaining('applied when MLflow answers') });
    expect(last.body.approvals.map((a: { approver: string }) => a.approver)).toEqual(['bob', 'carol']);
    expectError(await decide(id, dave, 'approve'), 409, 'NOT_PENDING');

    await sql(`UPDATE promotions SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await t.app.get(PromotionReconciler).expire();
    await reconcile(); // MLflow still answers 503
    expect((await get(id)).status).toBe('approved');

    mlflow.clearFaults();
    // Still an open request: a second one for the same version and target is refused.
    expect(expectError(await promote(t, alice, 'late', 1, 'Production'), 409, 'ALREADY_PENDING').details).toEqual({ promotion_id: id });
    await reconcile();
    expect(await get(id)).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
    expect(stageOf(1)).toBe('Production');
    expect(await auditOf(1)).toEqual(['promotion.completed:alice', 'promotion.approved:carol', 'promotion.approved:bob', 'promotion.requested:alice']);
  });

  it('goes back to `approved` when MLflow refuses the transition itself with a 503', async () => {
    const { id } = (await promote(t, alice, 'late', 2, 'Production')).body;
    await decide(id, bob, 'approve');
    mlflow.failWith(503, 'transition-stage');
    expect((await decide(id, carol, 'approve')).body.status).toBe('approved');
    expect(stageOf(2)).toBe('Staging');
    mlflow.clearFaults();
    await reconcile();
    expect((await get(id)).status).toBe('completed');
    expect(stageOf(2)).toBe('Production');
  });

  it('re-checks the stage when the reconciler applies an approved promotion: a version moved meanwhile ends failed', async () => {
    const { id } = (await promote(t, alice, 'late', 3, 'Production')).body;
    await decide(id, bob, 'approve');
    mlflow.failWith(503);
    expect((await decide(id, carol, 'approve')).body.status).toBe('approved');
    mlflow.clearFaults();
    mlflow.state.registry.transition('late', 3, 'Archived', false);
    await reconcile();
    expect(await get(id)).toMatchObject({ status: 'failed', failure: expect.stringContaining('now in Archived') });
    expect(stageOf(3)).toBe('Archived');
  });

  it('records who rejected before MLflow archives the candidate, and settles it when the commit after MLflow failed', async () => {
    const { id } = (await promote(t, alice, 'late', 4, 'Production')).body;
    await sql(`CREATE FUNCTION refuse_rejected() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.action = 'promotion.rejected' THEN RAISE EXCEPTION 'audit insert refused by the test'; END IF; RETURN NEW; END $$`);
    await sql('CREATE TRIGGER refuse_rejected BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_rejected()');
    try {
      expectError(await decide(id, bob, 'reject', { comment: 'bias on segment B' }), 500, 'INTERNAL');
    } finally {
      await sql('DROP TRIGGER refuse_rejected ON audit_events');
    }
    expect(stageOf(4)).toBe('Archived'); // MLflow changed, and modelgate knows who asked for it:
    expect(await get(id)).toMatchObject({
      status: 'rejecting',
      archived_versions: ['4'],
      approvals: [expect.objectContaining({ approver: 'bob', decision: 'reject', comment: 'bias on segment B' })],
    });

    await reconcile();
    expect(await get(id)).toMatchObject({ status: 'rejected', archived_versions: ['4'] });
    const rejected = (await t.request('GET', '/audit', { query: { model: 'late', action: 'promotion.rejected' } })).body.items;
    expect(rejected).toEqual([expect.objectContaining({ actor: 'bob', version: '4', details: expect.objectContaining({ comment: 'bias on segment B', archived_candidate: true }) })]);
  });

  it('answers 202 `rejecting` while MLflow cannot archive the candidate, and the reconciler archives it', async () => {
    const { id } = (await promote(t, alice, 'late', 5, 'Production')).body;
    mlflow.failWith(503);
    const res = await decide(id, bob, 'reject');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'rejecting', message: expect.stringContaining('archived when MLflow answers') });
    expectError(await decide(id, carol, 'approve'), 409, 'NOT_PENDING');
    mlflow.clearFaults();
    await reconcile();
    expect((await get(id)).status).toBe('rejected');
    expect(stageOf(5)).toBe('Archived');
  });
});
