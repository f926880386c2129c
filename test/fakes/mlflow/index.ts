export { FakeMlflow } from './fake-mlflow';
export type { FakeMlflowOptions, FaultAction, RecordedRequest, RequestHold } from './fake-mlflow';
export { FakeMlflowSeeder, RECSYS_RUNS } from './fake-mlflow.seed';
export type { ModelVersionSeed, RecsysScenario, RecsysStep, RunSeed } from './fake-mlflow.seed';
export { OutOfBandDoor } from './fake-mlflow.out-of-band';
export type { FakeWebhook, SentDelivery, WebhookEventName } from './fake-mlflow.webhooks';
export { mlflowSignature, signedDelivery } from './webhook-signing';
export type { SignedDelivery } from './webhook-signing';
