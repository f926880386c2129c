import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, TestResponse, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { faultScenario } from './support/fault-summary';
import { TcpRelay } from './support/tcp-relay';

const MLFLOW_TIMEOUT_MS = 1000;
/** The budget is per MLflow call; a gate or promote answer may add a store write and a re-read. */
const ANSWER_BOUND_MS = 2 * MLFLOW_TIMEOUT_MS + 500;

describe('fault injection: concurrent promotions, MLflow failures', () => {
  let mlflow: FakeMlflow;
  let relay: TcpRelay;
  let t: TestApp;
  let promoter: string;
  let ci: string;

  const sql = <R = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as R[]);
  const stagesOf = (model: string) => [...mlflow.state.registry.model(model).versions.values()].map((v) => v.currentStage);
  const statusCount = (answers: TestResponse[]) =>
    Object.entries(answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {}))
      .map(([s, n]) => `${n}×${s}`)
      .join(',');
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = Date.now();
    const value = await work();
    return [value, Date.now() - started];
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    relay = new TcpRelay(Number(new URL(mlflow.url).port));
    await relay.open();
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: `http://127.0.0.1:${relay.port}`, MLFLOW_TIMEOUT_MS: String(MLFLOW_TIMEOUT_MS) } });
    promoter = await t.createKey('fault-promoter', ['promoter']);
    ci = await t.createKey('fault-ci', ['ci']);
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
    await mlflow?.stop();
  });

  faultScenario('1', '20 concurrent promotions to Production', async (counts) => {
    for (let i = 0; i < 20; i++) mlflow.seed.modelVersion({ name: 'race', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'race-same', stage: 'Staging' });
    mlflow.clearRequests();

    const distinct = await Promise.all(Array.from({ length: 20 }, (_, i) => promote(t, promoter, 'race', i + 1, 'Production')));
    const same = await Promise.all(Array.from({ length: 20 }, () => promote(t, promoter, 'race-same', 1, 'Production')));

    for (const a of [...distinct, ...same]) expect([200, 409]).toContain(a.status);
    const completed = distinct.filter((a) => a.status === 200).map((a) => a.body);
    expect(stagesOf('race').filter((s) => s === 'Production')).toHaveLength(1);
    expect(stagesOf('race-same')).toEqual(['Production']);
    expect(same.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of same.filter((a) => a.status === 409)) expectError(refused, 409, 'INVALID_TRANSITION');

    // The last one applied holds Production; each earlier one was archived by the next; the refused stay in Staging.
    const last = [...completed].sort((a, b) => String(a.completed_at).localeCompare(String(b.completed_at))).pop();
    const applied = new Set(completed.map((p) => Number(p.version)));
    const expected = Array.from({ length: 20 }, (_, i) => (i + 1 === Number(last.version) ? 'Production' : applied.has(i + 1) ? 'Archived' : 'Staging'));
    expect(stagesOf('race')).toEqual(expected);
    const rows = await sql<{ model: string; status: string; n: number }>(
      "SELECT model, status, count(*)::int AS n FROM promotions WHERE model LIKE 'race%' GROUP BY 1, 2 ORDER BY 1, 2",
    );
    expect(rows).toEqual([
      { model: 'race', status: 'completed', n: completed.length },
      { model: 'race-same', status: 'completed', n: 1 },
    ]);
    const audited = await sql<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'promotion.completed' AND model LIKE 'race%'");
    expect(audited[0].n).toBe(completed.length + 1);
    expect(mlflow.requestsTo('model-versions/transition-stage')).toHaveLength(completed.length + 1);
    const verify = (await t.request('GET', '/audit/verify')).body;
    expect(verify.valid).toBe(true);

    Object.assign(counts, {
      distinct: statusCount(distinct),
      same_version: statusCount(same),
      production: stagesOf('race').filter((s) => s === 'Production').length,
      transitions: mlflow.requestsTo('model-versions/transition-stage').length,
      audit: `${verify.valid ? 'valid' : 'invalid'}(${verify.checked})`,
    });
  }, 40_000);

  describe('5. MLflow down, 5 s slow, 500', () => {
    const faults: [string, string, () => Promise<void>][] = [
      ['5a', 'MLflow down (connection refused)', () => relay.close()],
      ['5b', 'MLflow 5 s slow', async () => mlflow.setLatency(5000)],
      ['5c', 'MLflow answers 500', async () => mlflow.failWith(500)],
    ];

    beforeAll(async () => {
      mlflow.seed.modelVersion({ name: 'gm', stage: 'Production' });
      mlflow.seed.modelVersion({ name: 'gm', stage: 'Staging' });
      await putProject(t, 'gated', projectYaml('gated', 'gm'));
    });
    afterEach(async () => {
      mlflow.clearFaults();
      if (!(await relayIsOpen())) await relay.open();
    });
    const relayIsOpen = async () => fetch(`http://127.0.0.1:${relay.port}/health`).then(() => true, () => false);

    for (const [id, title, inject] of faults) {
      faultScenario(id, `${title}: gate and promote fail closed`, async (counts) => {
        await inject();
        const [gate, gateMs] = await timed(() => t.request('POST', '/deploy-gate', { key: ci, body: { project: 'gated', env: 'prd' } }));
        expect(expectError(gate, 503, 'GATE_UNAVAILABLE')).toMatchObject({ allowed: false, decision_id: expect.any(String) });
        const [promoted, promoteMs] = await timed(() => promote(t, promoter, 'gm', 2, 'Production'));
        expectError(promoted, 503, 'MLFLOW_UNAVAILABLE');
        expect(gateMs).toBeLessThan(ANSWER_BOUND_MS);
        expect(promoteMs).toBeLessThan(ANSWER_BOUND_MS);

        mlflow.clearFaults();
        expect(stagesOf('gm')).toEqual(['Production', 'Staging']);
        const done = await sql("SELECT status FROM promotions WHERE model = 'gm' AND status IN ('completed', 'applying')");
        expect(done).toEqual([]);
        expect(await sql("SELECT 1 FROM audit_events WHERE model = 'gm' AND action = 'promotion.completed'")).toEqual([]);
        const decision = await sql<{ outcome: string }>('SELECT outcome FROM deploy_decisions WHERE id = $1', [gate.body.decision_id]);
        expect(decision).toEqual([{ outcome: 'unavailable' }]);
        Object.assign(counts, { gate: `${gate.status} in ${gateMs} ms`, promote: `${promoted.status} in ${promoteMs} ms`, recorded_done: done.length, decision: decision[0].outcome });
      }, 15_000);
    }

    faultScenario('5d', 'MLflow refuses the transition (500): promotion failed, not done', async (counts) => {
      mlflow.failWith(500, 'transition-stage');
      const promoted = await promote(t, promoter, 'gm', 2, 'Production');
      expectError(promoted, 503, 'MLFLOW_UNAVAILABLE');
      mlflow.clearFaults();
      expect(stagesOf('gm')).toEqual(['Production', 'Staging']);
      const rows = await sql<{ status: string }>("SELECT status FROM promotions WHERE model = 'gm' ORDER BY created_at");
      expect(rows).toEqual([{ status: 'failed' }]);
      const actions = await sql<{ action: string }>("SELECT action FROM audit_events WHERE model = 'gm' AND action LIKE 'promotion.%' ORDER BY seq");
      expect(actions).toEqual([{ action: 'promotion.failed' }]);
      const gate = await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'gated', env: 'prd' } });
      expect(gate.body).toMatchObject({ allowed: true, version: '1' });
      Object.assign(counts, {
        promote: promoted.status,
        promotion: rows.map((r) => r.status).join(','),
        audit: actions.map((a) => a.action).join(','),
        gate_after: `${gate.body.allowed ? 'allowed' : 'denied'} v${gate.body.version}`,
      });
    }, 15_000);
  });
});
