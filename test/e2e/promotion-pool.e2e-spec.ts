import { EventBridgeFake } from '../fakes/aws/event-bridge-fake';
import { FakeMlflow } from '../fakes/mlflow';
import { promote } from '../helpers/promotions';
import { TestApp, startTestApp } from '../helpers/test-app';

const POOL_SIZE = 3;
const ROLLBACKS = 12;
const PROMOTIONS = 8;

describe('one pooled connection per promotion inside its model lock', () => {
  let mlflow: FakeMlflow;
  let bus: EventBridgeFake;
  let t: TestApp;
  let alice: string;
  const stageOf = (model: string, v: number) => mlflow.state.registry.version(model, v).currentStage;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let m = 0; m < ROLLBACKS; m++) for (let v = 0; v < 2; v++) mlflow.seed.modelVersion({ name: `rb-${m}`, stage: 'Staging' });
    for (let m = 0; m < PROMOTIONS; m++) mlflow.seed.modelVersion({ name: `pm-${m}`, stage: 'Staging' });
    bus = await EventBridgeFake.start();
    t = await startTestApp({
      env: {
        MLFLOW_TRACKING_URI: mlflow.url,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        EVENT_BUS_NAME: 'modelgate-lifecycle',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
        NOTIFY_POLL_INTERVAL_MS: '20',
      },
    });
    alice = await t.createKey('alice', ['promoter']);
    // Each rollback model gets a history: v1 then v2 in Production, so a rollback returns v1.
    for (let m = 0; m < ROLLBACKS; m++) {
      for (const v of [1, 2]) expect((await promote(t, alice, `rb-${m}`, v, 'Production')).status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await bus?.close();
    await mlflow?.stop();
  });

  it(`finishes ${ROLLBACKS} rollbacks and ${PROMOTIONS} promotions of different models at once on a pool of ${POOL_SIZE}, while the outbox sends`, async () => {
    const sentBefore = bus.accepted.length;
    const answers = await Promise.all([
      ...Array.from({ length: ROLLBACKS }, (_, m) => t.request('POST', `/models/rb-${m}/rollback`, { key: alice, body: { reason: 'v2 regressed' } })),
      ...Array.from({ length: PROMOTIONS }, (_, m) => promote(t, alice, `pm-${m}`, 1, 'Production')),
    ]);

    expect(answers.map((a) => a.status)).toEqual(Array(ROLLBACKS + PROMOTIONS).fill(200));
    for (let m = 0; m < ROLLBACKS; m++) expect([stageOf(`rb-${m}`, 1), stageOf(`rb-${m}`, 2)]).toEqual(['Production', 'Archived']);
    for (let m = 0; m < PROMOTIONS; m++) expect(stageOf(`pm-${m}`, 1)).toBe('Production');
    // Every change announced on the bus: rollbacks name two versions (returned, archived), promotions one.
    await bus.waitFor((accepted) => accepted.length - sentBefore >= 2 * ROLLBACKS + PROMOTIONS, 15_000);
  }, 60_000);
});
