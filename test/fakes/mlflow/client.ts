import { MlflowCallObserver, MlflowCallRecord } from '../../../src/mlflow/mlflow-call.observer';
import { MlflowSettings, createMlflowHttp } from '../../../src/mlflow/mlflow-http.factory';
import { MlflowClient } from '../../../src/mlflow/mlflow.client';

/** Keeps every call record, for tests of the metrics hook. */
export class RecordingObserver extends MlflowCallObserver {
  readonly calls: MlflowCallRecord[] = [];
  record(call: MlflowCallRecord): void {
    this.calls.push(call);
  }
}

export interface TestMlflowClient {
  client: MlflowClient;
  observer: RecordingObserver;
  close(): void;
}

/** The real MlflowClient, built by the real factory, pointed at `trackingUri` (usually a FakeMlflow). */
export function mlflowClientFor(trackingUri: string, settings: Partial<MlflowSettings> = {}): TestMlflowClient {
  const http = createMlflowHttp({ trackingUri, timeoutMs: 2000, ...settings });
  const observer = new RecordingObserver();
  return { client: new MlflowClient(http, observer), observer, close: () => http.close() };
}
