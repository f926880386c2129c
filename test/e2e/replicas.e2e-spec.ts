import { FakeMlflow } from '../fakes/mlflow';
import { stopApp } from '../helpers/app-process';
import { createTestDatabase } from '../helpers/test-database';
import { Replica, startReplica } from '../faults/support/fleet';

/** How soon after A answered a stage change B's gate must answer with it (the gate alone caches for 1 s). */
const WITHIN_MS = 100;

/** A minimal valid config.yaml as JSON, for a project owning `model`. */
const projectConfig = (name: string, model: string, extra: Record<string, unknown> = {}) => ({
  project_name: name,
  version: '1.0.0',
  schedule: { enabled: false },
  batch: { pipeline: { steps: [{ id: 'train' }] } },
  model: { name: model },
  ...extra,
});

/** Two processes of the built service (dist/src/main.js) on one database, as behind a load balancer. */
describe('two replicas on one database', () => {
  let mlflow: FakeMlflow;
  let a: Replica;
  let b: Replica;
  const keys = { promoter: '', approver: '', ci: '' };

  const createKey = async (role: keyof typeof keys) => {
    const res = await a.call<{ key: string }>('POST', '/api-keys', { body: { name: `replica-${role}`, roles: [role] } });
    if (res.status !== 201) throw new Error(`key ${role}: ${res.status} ${JSON.stringify(res.body)}`);
    keys[role] = res.body.key;
  };
  const promote = (version: number, stage: string) =>
    a.call('POST', `/models/shop/versions/${version}/promote`, { key: keys.promoter, body: { stage, reason: 'tested and ready' } });
  const toProduction = async (version: number) => {
    expect((await promote(version, 'Staging')).status).toBe(200);
    const pending = await promote(version, 'Production');
    expect(pending.status).toBe(202);
    expect((await a.call('POST', `/promotions/${pending.body.id}/approve`, { key: keys.approver, body: {} })).status).toBe(200);
  };
  /** B's gate answer in one line: the version when allowed, else the reasons. */
  const verdictOnB = async (body: Record<string, unknown>) => {
    const res = await b.call('POST', '/deploy-gate', { key: keys.ci, body: { project: 'shop', ...body } });
    return res.status === 200 ? `allowed ${res.body.version} (${res.body.stage})` : `${res.status} ${(res.body.reasons ?? []).join('; ')}`;
  };
  /**
   * Asks B from the moment `change` was answered on A until B answers `expected`; how long until the
   * ask that answered it was sent (its own HTTP round trip under a loaded CI box is not the cache's delay).
   */
  const msUntilB = async (change: () => Promise<unknown>, body: Record<string, unknown>, expected: string) => {
    await change();
    const answered = Date.now();
    let asked = answered;
    let verdict = await verdictOnB(body);
    while (verdict !== expected && Date.now() - answered < 2000) {
      asked = Date.now();
      verdict = await verdictOnB(body);
    }
    expect(verdict).toBe(expected);
    return asked - answered;
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: 'shop' });
    const env = { DATABASE_URL: await createTestDatabase(), MLFLOW_TRACKING_URI: mlflow.url };
    [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
    await Promise.all((Object.keys(keys) as (keyof typeof keys)[]).map(createKey));
    expect((await a.call('PUT', '/projects/shop', { body: projectConfig('shop', 'shop', { promotion: { Production: { approvals: 1 } } }) })).status).toBe(201);
    await toProduction(1);
    await toProduction(2);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((r) => stopApp(r.process, 5_000)));
    await mlflow?.stop();
  });

  it('a rollback on A reaches the gate on B within 100 ms', async () => {
    expect(await verdictOnB({ env: 'prd' })).toBe('allowed 2 (Production)'); // B now holds this answer
    const rollback = async () => {
      const res = await a.call('POST', '/models/shop/rollback', { key: keys.promoter, body: { reason: 'v2 hurts conversion' } });
      expect(res.body).toMatchObject({ status: 'completed', version: '1' });
    };
    expect(await msUntilB(rollback, { env: 'prd' }, 'allowed 1 (Production)')).toBeLessThan(WITHIN_MS);
  });

  it('a promotion completed on A reaches the gate on B within 100 ms', async () => {
    expect(await verdictOnB({ env: 'dev', version: 3 })).toBe('409 version 3 of shop is in None; dev needs Staging or Production');
    const toStaging = async () => expect((await promote(3, 'Staging')).body).toMatchObject({ status: 'completed' });
    expect(await msUntilB(toStaging, { env: 'dev', version: 3 }, 'allowed 3 (Staging)')).toBeLessThan(WITHIN_MS);
  });

  it('a rejection on A (the candidate archived) reaches the gate on B within 100 ms', async () => {
    const pending = await promote(3, 'Production');
    expect(pending.status).toBe(202);
    expect(await verdictOnB({ env: 'dev', version: 3 })).toBe('allowed 3 (Staging)');
    const reject = async () => {
      const res = await a.call('POST', `/promotions/${pending.body.id}/reject`, { key: keys.approver, body: { comment: 'not this one' } });
      expect(res.body).toMatchObject({ status: 'rejected' });
    };
    expect(await msUntilB(reject, { env: 'dev', version: 3 }, '409 version 3 of shop is in Archived; dev needs Staging or Production')).toBeLessThan(WITHIN_MS);
  });

  it('lets exactly one of many projects claiming one model at the same moment, through both replicas, win; the others get 409', async () => {
    for (let round = 0; round < 5; round++) {
      const names = Array.from({ length: 12 }, (_, i) => `claim-${round}-${i}`);
      const answers = await Promise.all(
        names.map((name, i) => (i % 2 ? b : a).call('PUT', `/projects/${name}`, { body: projectConfig(name, `contested-${round}`) })),
      );
      for (const res of answers) if (res.status === 409) expect(res.body.code).toBe('MODEL_ALREADY_CLAIMED');
      expect(answers.map((r) => r.status).sort()).toEqual([201, ...Array(11).fill(409)]);
    }
  });
});
