import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import type { FakeMlflow } from '../../test/fakes/mlflow';

/** The version the demo stages in the fake MLflow behind modelgate's back. */
export const HAND_STAGED = { model: 'churn-classifier', version: '3' } as const;

/**
 * Gives the Drift page something true to show: modelgate first adopts what the fake MLflow holds (first
 * sight), then churn-classifier v3 is moved to Staging through the fake's out-of-band door (as
 * someone in MLflow's UI would), and one watcher round records it: audited, announced, adoptable.
 */
export async function stageByHandAtStart(app: NestFastifyApplication, mlflow: FakeMlflow): Promise<void> {
  const watcher = app.get(DriftWatcher);
  await watcher.round();
  mlflow.outOfBand.transition(HAND_STAGED.model, HAND_STAGED.version, 'Staging');
  await watcher.round();
}
