export { FakeMlflow } from './fake-mlflow';
export type { FakeMlflowOptions, FaultAction, RecordedRequest, RequestHold } from './fake-mlflow';
export { FakeMlflowSeeder, RECSYS_RUNS } from './fake-mlflow.seed';
export type { ModelVersionSeed, RecsysScenario, RecsysStep, RunSeed } from './fake-mlflow.seed';
